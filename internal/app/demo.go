package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/demo"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// DemoAccount is one of the demo's accounts, printed on the console.
type DemoAccount struct {
	Role     auth.Role
	Login    string
	Password string
	Where    string
}

// demoCommunes are the demo's communes: two neighbouring wards (so that "one scope over" can be
// seen) and a rural commune.
var demoCommunes = []struct {
	code     string
	kind     village.Kind
	villages []string
}{
	{"00004", village.KindToDanPho, []string{"Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3", "Tổ dân phố số 4", "Tổ dân phố số 5"}},
	{"00008", village.KindToDanPho, []string{"Tổ dân phố Ngọc Hà 1", "Tổ dân phố Ngọc Hà 2", "Tổ dân phố Đội Cấn", "Tổ dân phố Liễu Giai"}},
	{"", village.KindThon, []string{"Thôn Đông", "Thôn Đoài", "Thôn Nam", "Thôn Bắc", "Thôn Thượng", "Thôn Hạ"}},
}

// LoadDemo fills an empty database with a small demo city: three communes with villages,
// households and about demoPeople people, a work unit and a provider, and one account per role.
// The same seed gives the same people and the same passwords.
func LoadDemo(ctx context.Context, db *store.DB, units *adminunit.Map, seed uint64, demoPeople int, out io.Writer) ([]DemoAccount, error) {
	names, err := demo.LoadNames()
	if err != nil {
		return nil, err
	}
	gen := demo.NewGenerator(names, seed)
	pw := rand.New(rand.NewPCG(seed, seed^0x5eed))
	today := db.Now()
	ctx = audit.WithActor(ctx, audit.Actor{Name: "demo"})
	var accounts []DemoAccount
	province := units.Province()
	start := time.Now()

	type placed struct {
		commune  adminunit.Unit
		villages []village.Village
	}
	var communes []placed
	var unitID, providerID, collectorVillage, citizenID int64
	var citizenLogin string
	// The city was registered three years ago: households, staff and consents date from then,
	// so that the past years' titles are computed over the members of their day.
	registered := db.WithClock(clock.NewFixed(time.Date(today.Year()-3, 1, 2, 2, 0, 0, 0, time.UTC)))
	err = registered.Write(ctx, func(tx *store.Tx) error {
		for _, dc := range demoCommunes {
			code := dc.code
			if code == "" { // the first rural commune (xã) of the list
				for _, u := range units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
					if u.Type == "Xã" {
						code = u.Code
						break
					}
				}
			}
			cu, err := units.Current(code)
			if err != nil {
				return fmt.Errorf("demo: commune %s: %w", code, err)
			}
			p := placed{commune: cu}
			for _, name := range dc.villages {
				v := village.Village{ProvinceCode: cu.ProvinceCode, CommuneCode: cu.Code, Name: name, Kind: dc.kind}
				if err := tx.CreateVillage(ctx, &v); err != nil {
					return err
				}
				p.villages = append(p.villages, v)
			}
			communes = append(communes, p)
		}
		school := store.WorkUnit{ProvinceCode: province.Code, CommuneCode: communes[0].commune.Code, Name: "Trường Tiểu học " + communes[0].commune.ShortName, Kind: "school", Level: "commune"}
		if err := tx.CreateWorkUnit(ctx, &school); err != nil {
			return err
		}
		unitID = school.ID
		centre := store.Provider{ProvinceCode: province.Code, CommuneCode: communes[0].commune.Code, Name: "Trung tâm học tập cộng đồng " + communes[0].commune.Name}
		if err := tx.CreateProvider(ctx, &centre); err != nil {
			return err
		}
		providerID = centre.ID
		collectorVillage = communes[0].villages[0].ID

		// People: households drawn by the generator, spread over the villages in turn.
		made := 0
		for made < demoPeople {
			for _, c := range communes {
				for _, v := range c.villages {
					if made >= demoPeople {
						break
					}
					h := store.Household{ProvinceCode: v.ProvinceCode, CommuneCode: v.CommuneCode, VillageID: v.ID,
						Code: fmt.Sprintf("HGD-%05d", made+1), Address: fmt.Sprintf("Số %d, %s", made%97+1, v.Name)}
					if err := tx.CreateHousehold(ctx, &h); err != nil {
						return err
					}
					for _, m := range gen.Household("001", today) {
						c := people.Citizen{ProvinceCode: v.ProvinceCode, CommuneCode: v.CommuneCode, VillageID: v.ID, HouseholdID: h.ID,
							Relation: people.Relation(m.Relation), NationalID: m.NationalID, FullName: m.FullName,
							BirthDate: m.BirthDate.Format("2006-01-02"), BirthYear: m.BirthDate.Year(), Gender: m.Gender,
							TargetGroup: people.GroupResident}
						age := today.Year() - c.BirthYear
						switch {
						case v.CommuneCode == school.CommuneCode && age >= 23 && age <= 60 && made%9 == 0:
							c.WorkUnitID, c.TargetGroup = school.ID, people.GroupStaff
						case age >= 6 && age <= 22:
							c.TargetGroup = people.GroupStudent
						}
						if m.Relation == demo.RelationHead {
							c.Phone = fmt.Sprintf("09%08d", pw.IntN(100000000))
						}
						if err := tx.CreateCitizen(ctx, &c); err != nil {
							return err
						}
						// Consent collected on paper by the village, as most registrations are.
						consent := people.Consent{TextVersion: people.CurrentConsentText().Version, Method: people.ConsentPaper, GivenBy: c.FullName}
						if age < 18 {
							consent.GivenBy = "Cha mẹ của " + c.FullName // a parent consents for a minor
						}
						if err := tx.RecordConsent(ctx, c, &consent); err != nil {
							return err
						}
						// The demo citizen is a resident (not staff), verified by the collector of the village.
						if citizenID == 0 && v.ID == collectorVillage && m.Relation == demo.RelationHead && age >= 18 && c.WorkUnitID == 0 {
							citizenID, citizenLogin = c.ID, c.NationalID
						}
						made++
					}
				}
			}
		}
		if out != nil {
			fmt.Fprintf(out, "demo: %d people in %d communes written in %s\n", made, len(communes), time.Since(start).Round(time.Millisecond))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := db.Optimize(ctx); err != nil {
		return nil, err
	}

	password := func() string {
		words := []string{"hoc", "tap", "sen", "hong", "lua", "que", "song", "nui", "trang", "xanh"}
		return fmt.Sprintf("%s-%s-%04d", words[pw.IntN(len(words))], words[pw.IntN(len(words))], pw.IntN(10000))
	}
	svc := account.New(db)
	add := func(name, login string, g auth.Grant, where string) error {
		p := password()
		if _, err := svc.Create(ctx, nil, account.NewAccount{DisplayName: name, Login: login, Password: p, Grant: g, CitizenID: g.CitizenID}); err != nil {
			return fmt.Errorf("demo: account %s: %w", login, err)
		}
		accounts = append(accounts, DemoAccount{Role: g.Role, Login: login, Password: p, Where: where})
		return nil
	}
	c0, c1 := communes[0].commune, communes[1].commune
	steps := []error{
		add("Quản trị hệ thống", "admin@hoctap.example", auth.Grant{Role: auth.RoleAdmin}, "—"),
		add("Trần Thu Hà", "thanhpho@hoctap.example", auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: province.Code}, province.Name),
		add("Nguyễn Văn Minh", "0901000001", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province.Code, CommuneCode: c0.Code}, c0.Name),
		add("Lê Thị Lan", "0901000002", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province.Code, CommuneCode: c1.Code}, c1.Name),
		add("Phạm Thị Hoa", "0901000003", auth.Grant{Role: auth.RoleCollector, VillageID: collectorVillage}, communes[0].villages[0].Name+", "+c0.Name),
		add("Đỗ Văn Hùng", "0901000004", auth.Grant{Role: auth.RoleUnitOfficer, WorkUnitID: unitID}, "Trường Tiểu học "+c0.ShortName),
		add("Vũ Thị Mai", "0901000005", auth.Grant{Role: auth.RoleProvider, ProviderID: providerID}, "Trung tâm học tập cộng đồng "+c0.Name),
	}
	for _, err := range steps {
		if err != nil {
			return nil, err
		}
	}
	if citizenID != 0 {
		c, err := db.Citizen(ctx, citizenID)
		if err != nil {
			return nil, err
		}
		if err := add(c.FullName, citizenLogin, auth.Grant{Role: auth.RoleCitizen, CitizenID: citizenID}, communes[0].villages[0].Name); err != nil {
			return nil, err
		}
	}
	// The demo citizen and a person of 70 or more of the collector's village are left without a
	// pledge this year, to walk through the year in person and by assisted entry.
	keep := map[int64]bool{citizenID: true}
	elders, _, err := db.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, VillageID: collectorVillage, MinAge: 70, AgeOnYear: today.Year(), Limit: 1})
	if err != nil {
		return nil, err
	}
	for _, e := range elders {
		keep[e.ID] = true
		if out != nil {
			fmt.Fprintf(out, "demo: %s (%d) of %s has not pledged yet: try assisted entry as the collector\n", e.FullName, e.BirthYear, communes[0].villages[0].Name)
		}
	}
	var codes []string
	for _, c := range communes {
		codes = append(codes, c.commune.Code)
	}
	if err := loadDemoEvaluation(ctx, db, units, seed, codes, keep, collectorVillage, out); err != nil {
		return nil, err
	}
	if err := loadDemoNotify(ctx, db, units, citizenID, out); err != nil { // demo_notify.go: the demo citizen's inbox
		return nil, err
	}
	if err := loadDemoLearning(ctx, db, units, seed, codes, citizenID, out); err != nil {
		return nil, err
	}
	if err := loadDemoLearningRecord(ctx, db, units, seed, codes, citizenID, out); err != nil {
		return nil, err
	}
	if err := loadDemoProgress(ctx, db, units, seed, codes, out); err != nil {
		return nil, err
	}
	if err := loadDemoContributions(ctx, db, units, seed, codes, out); err != nil {
		return nil, err
	}
	if err := loadDemoNews(ctx, db, units, codes, out); err != nil {
		return nil, err
	}
	if out != nil {
		fmt.Fprintf(out, "demo: loaded in %s\n", time.Since(start).Round(time.Millisecond))
	}
	return accounts, nil
}

// PrintDemoAccounts writes the demo's logins and passwords as a table.
func PrintDemoAccounts(w io.Writer, accounts []DemoAccount) {
	fmt.Fprintln(w, "Demo accounts (tài khoản dùng thử):")
	fmt.Fprintf(w, "  %-16s  %-26s  %-16s  %s\n", "ROLE", "LOGIN", "PASSWORD", "SCOPE")
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-16s  %-26s  %-16s  %s\n", a.Role, a.Login, a.Password, a.Where)
	}
	fmt.Fprintln(w, strings.Repeat("-", 60))
}
