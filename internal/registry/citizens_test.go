package registry_test

import (
	"context"
	"errors"
	"testing"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/registry"
	"hoctap/internal/store"
)

func officer(commune string) *auth.Principal {
	return &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: commune}}}
}

func TestRegisterTransferMoveSplitErase(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	svc, ids := setup(t)
	bd, nh := officer("00004"), officer("00008")
	consent := people.Consent{Method: people.ConsentSpoken, GivenBy: "Trần Văn Bình"}
	head := people.Citizen{VillageID: ids["Tổ dân phố số 1"], FullName: "  trần văn   Bình ", NationalID: "001065012345", BirthDate: "1965-05-12", Gender: people.GenderMale}

	if _, _, err := svc.Register(ctx, nh, registry.Registration{Citizen: head, NewHousehold: true, Consent: consent}); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("the neighbouring ward registered in Ba Đình: %v", err)
	}
	if _, _, err := svc.Register(ctx, bd, registry.Registration{Citizen: head, NewHousehold: true}); len(fault.FieldErrors(err)) == 0 {
		t.Fatalf("registered without consent: %v", err)
	}
	saved, _, err := svc.Register(ctx, bd, registry.Registration{Citizen: head, NewHousehold: true, HouseholdCode: "H1", Consent: consent})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Relation != people.RelationHead || saved.HouseholdID == 0 {
		t.Fatalf("registered head: %+v", saved)
	}
	wife := people.Citizen{VillageID: ids["Tổ dân phố số 1"], FullName: "Nguyễn Thị Lan", NationalID: "001168054321", BirthYear: 1968, Gender: people.GenderFemale, Relation: people.RelationSpouse}
	w, _, err := svc.Register(ctx, bd, registry.Registration{Citizen: wife, HouseholdID: saved.HouseholdID, Consent: consent})
	if err != nil {
		t.Fatal(err)
	}

	// The Ngọc Hà registration of someone already in Ba Đình is refused, naming where he is.
	again := head
	again.VillageID = ids["Tổ dân phố Đội Cấn"]
	_, _, err = svc.Register(ctx, nh, registry.Registration{Citizen: again, NewHousehold: true, Consent: consent})
	var elsewhere *registry.ErrRegisteredElsewhere
	if !errors.As(err, &elsewhere) || elsewhere.CommuneName != "Phường Ba Đình" {
		t.Fatalf("a second registration: %v", err)
	}

	// Moving the household keeps it whole; splitting makes a new one.
	if err := svc.MoveHousehold(ctx, bd, saved.HouseholdID, ids["Tổ dân phố số 2"]); err != nil {
		t.Fatal(err)
	}
	if err := svc.MoveHousehold(ctx, bd, saved.HouseholdID, ids["Tổ dân phố Đội Cấn"]); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("moved to another commune's village: %v", err)
	}
	moved, _ := svc.DB.Citizen(ctx, w.ID)
	if moved.VillageID != ids["Tổ dân phố số 2"] {
		t.Fatalf("the wife stayed in village %d", moved.VillageID)
	}
	n, err := svc.SplitHousehold(ctx, bd, saved.HouseholdID, []int64{w.ID}, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	moved, _ = svc.DB.Citizen(ctx, w.ID)
	if moved.HouseholdID != n.ID || moved.Relation != people.RelationHead {
		t.Fatalf("after the split: %+v", moved)
	}

	// Ngọc Hà takes the husband over; Ba Đình no longer sees him, the history stays.
	if _, err := svc.Transfer(ctx, nh, "001065012345", ids["Tổ dân phố Đội Cấn"], "moved"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Citizen(ctx, bd, saved.ID); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("Ba Đình still sees the transferred person: %v", err)
	}
	pd, err := svc.PersonalData(ctx, nh, saved.ID)
	if err != nil || len(pd.Residences) != 3 || len(pd.Transfers) != 1 {
		t.Fatalf("history: %d residences, %d transfers, %v", len(pd.Residences), len(pd.Transfers), err)
	}

	// Erasure removes the personal data and keeps an anonymous row for past counts.
	admin := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleAdmin}}}
	if err := svc.Erase(ctx, bd, w.ID); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("a commune officer erased: %v", err)
	}
	if err := svc.Erase(ctx, admin, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DB.CitizenByNationalID(ctx, "001168054321"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("the erased ID is still found: %v", err)
	}
	list, total, err := svc.DB.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, Text: "lan"})
	if err != nil || total != 0 {
		t.Fatalf("the erased name is still found: %v %d", list, total)
	}
}
