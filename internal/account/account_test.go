package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hoctap/internal/account"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/testdb"
)

func setup(t *testing.T) (*account.Service, *clock.Fixed, auth.User) {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC))
	svc := account.New(testdb.Open(t, clk))
	u, err := svc.Create(context.Background(), nil, account.NewAccount{DisplayName: "Nguyễn Văn Minh", Login: "0901000001",
		Password: "mat-khau-dung", Grant: auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00004"}})
	if err != nil {
		t.Fatal(err)
	}
	return svc, clk, u
}

func TestLoginLockout(t *testing.T) {
	ctx := context.Background()
	svc, clk, _ := setup(t)
	if _, _, err := svc.Login(ctx, "0901 000 001", "mat-khau-dung", "192.0.2.1", "test"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	var err error
	for i := 0; i < svc.Throttle.AccountMaxFailures; i++ {
		_, _, err = svc.Login(ctx, "0901000001", "sai", "192.0.2.1", "test")
	}
	var locked *account.LockedError
	if !errors.As(err, &locked) || locked.Err != account.ErrAccountLocked {
		t.Fatalf("after %d failures: %v, want the account locked", svc.Throttle.AccountMaxFailures, err)
	}
	if _, _, err := svc.Login(ctx, "0901000001", "mat-khau-dung", "198.51.100.7", "test"); !errors.As(err, &locked) {
		t.Fatalf("right password from another address while locked: %v, want still locked", err)
	}
	clk.Advance(svc.Throttle.LockFor + time.Minute)
	if _, _, err := svc.Login(ctx, "0901000001", "mat-khau-dung", "192.0.2.1", "test"); err != nil {
		t.Fatalf("after the lock time: %v", err)
	}
}

func TestLoginAddressThrottle(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := setup(t)
	svc.Throttle.AddressMaxFailures = 3
	var err error
	for i := 0; i < 3; i++ {
		_, _, err = svc.Login(ctx, "0999999999", "x", "203.0.113.5", "test") // an unknown login
	}
	var locked *account.LockedError
	if !errors.As(err, &locked) || locked.Err != account.ErrAddressLocked {
		t.Fatalf("address not locked: %v", err)
	}
	if _, _, err := svc.Login(ctx, "0901000001", "mat-khau-dung", "203.0.113.5", "test"); !errors.As(err, &locked) {
		t.Fatalf("a locked address signed in: %v", err)
	}
	if _, _, err := svc.Login(ctx, "0901000001", "mat-khau-dung", "203.0.113.6", "test"); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

func TestResetLinkIsOneTime(t *testing.T) {
	ctx := context.Background()
	svc, _, officer := setup(t)
	adminUser, err := svc.Create(ctx, nil, account.NewAccount{DisplayName: "Quản trị", Login: "admin@example.vn", Password: "mat-khau-quan-tri", Grant: auth.Grant{Role: auth.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	admin := &auth.Principal{UserID: adminUser.ID, Grants: adminUser.Grants}
	neighbour := &auth.Principal{UserID: 98, Grants: []auth.Grant{{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00008"}}}
	if _, _, err := svc.ResetLink(ctx, neighbour, officer.ID); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("an officer of the same rank made a reset link: %v", err)
	}
	token, _, err := svc.ResetLink(ctx, admin, officer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.UseReset(ctx, token, "ngan", "ngan"); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("short password: %v", err)
	}
	if err := svc.UseReset(ctx, token, "mat-khau-moi-1", "mat-khau-moi-1"); err != nil {
		t.Fatal(err)
	}
	if err := svc.UseReset(ctx, token, "mat-khau-moi-2", "mat-khau-moi-2"); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("second use of the link: %v", err)
	}
	if _, _, err := svc.Login(ctx, "0901000001", "mat-khau-dung", "192.0.2.1", "t"); err == nil {
		t.Fatal("the old password still works")
	}
	if _, _, err := svc.Login(ctx, "0901000001", "mat-khau-moi-1", "192.0.2.1", "t"); err != nil {
		t.Fatalf("new password: %v", err)
	}
}

func TestCreateChecksRankAndScope(t *testing.T) {
	ctx := context.Background()
	svc, _, officer := setup(t)
	p := &auth.Principal{UserID: officer.ID, Grants: officer.Grants}
	_, err := svc.Create(ctx, p, account.NewAccount{DisplayName: "Lê Văn B", Login: "0902000002", Password: "mat-khau-dai",
		Grant: auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00004"}})
	if fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("created an account of its own rank: %v", err)
	}
	_, err = svc.Create(ctx, p, account.NewAccount{DisplayName: "", Login: "abc", Password: "x", Grant: auth.Grant{Role: "king"}})
	if es := fault.FieldErrors(err); len(es) != 4 {
		t.Fatalf("bad form: %d field errors (%v), want 4", len(es), err)
	}
	_, err = svc.Create(ctx, nil, account.NewAccount{DisplayName: "Trùng", Login: "0901000001", Password: "mat-khau-dai",
		Grant: auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: "01"}})
	if fe, ok := fault.As(err); !ok || fe.Key != "account.login.taken" {
		t.Fatalf("duplicate login: %v", err)
	}
}
