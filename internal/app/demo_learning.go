package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/learning"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// loadDemoLearning gives the demo's community learning centre its programmes (issue 6):
// a digital-skills course under way — three sessions past with attendance, one today for the
// QR check-in, one next week — in which the demo citizen has attended every past session, so
// checking in today completes it; a law course finished last month with its completions and
// certificates; a health talk that is full, with a waiting list; a culture club in another
// commune; and an English course still in draft. Past steps run through the ordinary service
// on a clock set to their day.
func loadDemoLearning(ctx context.Context, db *store.DB, units *adminunit.Map, seed uint64, communes []string, citizenID int64, out io.Writer) error {
	rnd := rand.New(rand.NewPCG(seed, seed^0x1ea4))
	provs, err := db.Providers(ctx)
	if err != nil || len(provs) == 0 {
		return fmt.Errorf("demo: learning: no provider: %v", err)
	}
	centre := provs[0]
	now := db.Now().In(clock.Vietnam)
	day := func(offset int) string { return now.AddDate(0, 0, offset).Format("2006-01-02") }
	at := func(d string) *learning.Service {
		t, _ := time.ParseInLocation("2006-01-02 15:04", d+" 09:00", clock.Vietnam)
		return &learning.Service{DB: db.WithClock(clock.NewFixed(t)), Units: units}
	}
	var learners []people.Citizen
	err = db.EachCitizen(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, CommuneCode: centre.CommuneCode}, func(c people.Citizen) error {
		if age := now.Year() - c.BirthYear; age >= 18 && c.ID != citizenID && len(learners) < 24 {
			learners = append(learners, c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// A small demo (the tests load 120 people) has few adults per commune: groups take what there is.
	pick := func(from, to int) []people.Citizen { return learners[min(from, len(learners)):min(to, len(learners))] }
	sessions := func(offsets ...int) []learning.SessionInput {
		var ss []learning.SessionInput
		for _, o := range offsets {
			ss = append(ss, learning.SessionInput{Day: day(o), Start: "08:00", End: "10:00"})
		}
		return ss
	}
	create := func(created int, in learning.ProgrammeInput, publish bool) (store.Programme, error) {
		svc := at(day(created))
		p, err := svc.CreateProgramme(ctx, nil, centre.ID, in)
		if err != nil {
			return p, fmt.Errorf("demo: programme %q: %w", in.Title, err)
		}
		if publish {
			if err := svc.Publish(ctx, nil, p.ID); err != nil {
				return p, err
			}
		}
		return p, nil
	}
	enrol := func(on int, p store.Programme, people []people.Citizen) error {
		for _, c := range people {
			if _, err := at(day(on)).Enrol(ctx, nil, p.ID, c.ID); err != nil {
				return fmt.Errorf("demo: enrol in %q: %w", p.Title, err)
			}
		}
		return nil
	}
	// attend ticks, on each past session's day, the people present.
	attend := func(p store.Programme, present func(session int, c people.Citizen) bool, group []people.Citizen) error {
		ss, err := db.ProgrammeSessions(ctx, p.ID)
		if err != nil {
			return err
		}
		for i, x := range ss {
			if x.Day >= day(0) {
				break
			}
			var ids []int64
			for _, c := range group {
				if present(i, c) {
					ids = append(ids, c.ID)
				}
			}
			if _, err := at(x.Day).MarkAttendance(ctx, nil, x.ID, ids); err != nil {
				return fmt.Errorf("demo: attendance of %q: %w", p.Title, err)
			}
		}
		return nil
	}
	place := "Nhà văn hoá " + centre.Name
	own := []people.Citizen{}
	if citizenID != 0 {
		c, err := db.Citizen(ctx, citizenID)
		if err != nil {
			return err
		}
		own = append(own, c)
	}

	// A law course that ended last month: completions with certificates.
	law, err := create(-75, learning.ProgrammeInput{Title: "Phổ biến pháp luật về đất đai và hôn nhân gia đình", Topic: "law", Mode: "in_person",
		CommuneCode: centre.CommuneCode, Address: place, Capacity: 40, IssuesCertificate: true, Audience: "Mọi người dân",
		Description: "Hai buổi nói chuyện chuyên đề về Luật Đất đai 2024 và Luật Hôn nhân và gia đình, có hỏi đáp tình huống.",
		Sessions:    sessions(-60, -53)}, true)
	if err != nil {
		return err
	}
	lawGroup := append(append([]people.Citizen{}, own...), pick(0, 14)...)
	if err := enrol(-70, law, lawGroup); err != nil {
		return err
	}
	if err := attend(law, func(i int, c people.Citizen) bool { return c.ID == citizenID || rnd.IntN(10) < 8 }, lawGroup); err != nil {
		return err
	}

	// The digital-skills course under way, with a session today for the QR demo.
	digital, err := create(-30, learning.ProgrammeInput{Title: "Kỹ năng số cơ bản cho người dân", Topic: "digital_skills", Mode: "in_person",
		CommuneCode: centre.CommuneCode, Address: place, Capacity: 30, IssuesCertificate: true, Audience: "Người từ 18 tuổi, nhất là người cao tuổi",
		Description: "Sử dụng điện thoại thông minh an toàn: cài đặt ứng dụng VNeID, thanh toán không dùng tiền mặt, nhận biết tin giả và lừa đảo trực tuyến, dịch vụ công trực tuyến.",
		Sessions:    sessions(-21, -14, -7, 0, 7)}, true)
	if err != nil {
		return err
	}
	digitalGroup := append(append([]people.Citizen{}, own...), pick(2, 20)...)
	if err := enrol(-25, digital, digitalGroup); err != nil {
		return err
	}
	if err := attend(digital, func(i int, c people.Citizen) bool { return c.ID == citizenID || rnd.IntN(10) < 7 }, digitalGroup); err != nil {
		return err
	}

	// A health talk that is full, with a waiting list.
	health, err := create(-5, learning.ProgrammeInput{Title: "Chăm sóc sức khoẻ người cao tuổi tại nhà", Topic: "health", Mode: "in_person",
		CommuneCode: centre.CommuneCode, Address: "Trạm y tế " + centre.Name, Capacity: 6, Audience: "Người cao tuổi và người chăm sóc",
		Description: "Đo huyết áp, chế độ ăn cho người tăng huyết áp và tiểu đường, phòng té ngã.", Sessions: sessions(3, 10)}, true)
	if err != nil {
		return err
	}
	if err := enrol(-4, health, pick(12, 20)); err != nil {
		return err
	}

	// A culture club in the second commune, online English still in draft.
	if len(communes) > 1 {
		if _, err := create(-3, learning.ProgrammeInput{Title: "Câu lạc bộ hát chèo và dân ca", Topic: "culture", Mode: "in_person", CommuneCode: communes[1],
			Address: "Nhà văn hoá tổ dân phố", Capacity: 25, Description: "Sinh hoạt câu lạc bộ mỗi tuần một buổi.", Sessions: sessions(5, 12, 19, 26)}, true); err != nil {
			return err
		}
	}
	if _, err := create(-1, learning.ProgrammeInput{Title: "Tiếng Anh giao tiếp cơ bản", Topic: "foreign_language", Mode: "online", CommuneCode: centre.CommuneCode,
		Capacity: 50, Description: "Học trực tuyến buổi tối.", Sessions: sessions(14, 21, 28)}, false); err != nil {
		return err
	}
	if out != nil {
		fmt.Fprintf(out, "demo: programmes of %s: %q has a session today — sign in as the provider to show its QR code\n", centre.Name, digital.Title)
	}
	return nil
}
