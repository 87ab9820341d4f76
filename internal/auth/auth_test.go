package auth

import "testing"

func TestParseLogin(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind LoginKind
		norm string
		ok   bool
	}{
		{"0912 345 678", LoginPhone, "0912345678", true},
		{"+84 912.345.678", LoginPhone, "0912345678", true},
		{"84912345678", LoginPhone, "0912345678", true},
		{"001199012345", LoginNationalID, "001199012345", true},
		{" Ha.Nguyen@Example.VN ", LoginEmail, "ha.nguyen@example.vn", true},
		{"12345", "", "", false},
		{"ha@", "", "", false},
		{"nguyen van a", "", "", false},
		{"", "", "", false},
	} {
		kind, norm, ok := ParseLogin(c.in)
		if kind != c.kind || norm != c.norm || ok != c.ok {
			t.Errorf("ParseLogin(%q) = %q %q %v, want %q %q %v", c.in, kind, norm, ok, c.kind, c.norm, c.ok)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("mật khẩu dài")
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyPassword(h, "mật khẩu dài"); err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if err := VerifyPassword(h, "mật khẩu sai"); err != ErrPasswordMismatch {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := HashPassword("mật khẩu dài")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestGrantsAndPolicy(t *testing.T) {
	commune := Grant{Role: RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00004"}
	collector := Grant{Role: RoleCollector, ProvinceCode: "01", CommuneCode: "00004", VillageID: 7}
	neighbourCollector := Grant{Role: RoleCollector, ProvinceCode: "01", CommuneCode: "00008", VillageID: 9}
	officer := &Principal{UserID: 1, Grants: []Grant{commune}}
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"commune officer covers a village of the commune", commune.Covers(collector.Place()), true},
		{"commune officer does not cover the neighbouring commune", commune.Covers(neighbourCollector.Place()), false},
		{"collector covers only its village", collector.Covers(Place{ProvinceCode: "01", CommuneCode: "00004", VillageID: 8}), false},
		{"may give a collector grant in the commune", officer.MayGive(collector), true},
		{"may not give one in the neighbouring commune", officer.MayGive(neighbourCollector), false},
		{"may not give its own rank", officer.MayGive(Grant{Role: RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00004"}), false},
		{"may not give a higher rank", officer.MayGive(Grant{Role: RoleCityOfficer, ProvinceCode: "01"}), false},
		{"manages the collector", officer.MayManage([]Grant{collector}), true},
		{"does not manage an account that also has a grant elsewhere", officer.MayManage([]Grant{collector, neighbourCollector}), false},
		{"citizen cannot view villages", (&Principal{Grants: []Grant{{Role: RoleCitizen, CitizenID: 3}}}).Can(PermViewVillages), false},
		{"an anonymous principal can nothing", (*Principal)(nil).Can(PermSignedIn), false},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
	s := officer.Scope(PermViewVillages)
	if len(s.Communes) != 1 || s.Communes[0] != "00004" || s.All {
		t.Errorf("scope: %+v", s)
	}
	if !(&Principal{Grants: []Grant{{Role: RoleProvider, ProviderID: 1}}}).Scope(PermViewVillages).Empty() {
		t.Error("a provider's village scope is not empty")
	}
}
