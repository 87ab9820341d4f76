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
	"hoctap/internal/digitalskills"
	"hoctap/internal/learningrecord"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// demoDescriptions are what demo people declare, by kind of activity.
var demoDescriptions = map[string][]string{
	"reading":       {"Đọc sách “Nuôi dạy con thời 4.0” ở thư viện phường", "Đọc báo Hà Nội Mới hằng tuần", "Đọc sách kỹ thuật trồng rau sạch", "Đọc truyện cho cháu và tìm hiểu lịch sử Thăng Long"},
	"club":          {"Sinh hoạt câu lạc bộ dưỡng sinh", "Câu lạc bộ tiếng Anh của tổ dân phố", "Câu lạc bộ thơ ca, hát chèo", "Câu lạc bộ cờ tướng người cao tuổi"},
	"talk":          {"Nghe nói chuyện chuyên đề phòng chống lừa đảo qua mạng", "Tọa đàm về chăm sóc sức khỏe người cao tuổi", "Nghe phổ biến Luật Đất đai năm 2024"},
	"online_course": {"Khóa học trực tuyến kỹ năng số trên nền tảng Bình dân học vụ số", "Học tiếng Anh giao tiếp trên ứng dụng điện thoại", "Khóa học trực tuyến về an toàn thực phẩm"},
	"work_training": {"Tập huấn an toàn lao động tại công ty", "Bồi dưỡng nghiệp vụ kế toán", "Tập huấn sử dụng phần mềm quản lý văn bản"},
	"other":         {"Học nấu ăn dinh dưỡng cho trẻ em", "Học sơ cấp cứu tại Hội Chữ thập đỏ phường"},
}

// demoKinds are the kinds in a fixed order, so that the same seed gives the same demo.
var demoKinds = []string{"reading", "club", "talk", "online_course", "work_training", "other"}

// loadDemoLearningRecord fills the learning records of the demo: self-declared activities of
// some people of the first two communes over the past two years and this year (the past years'
// mostly confirmed, this year's waiting for the collector), a few that the checks flag (too many
// hours in a year or a day, one photo shared by three neighbours), digital-skills
// self-assessments and confirmations imported from another platform. The demo citizen gets last
// year's activities only, so that this year can be tried in person.
func loadDemoLearningRecord(ctx context.Context, db *store.DB, units *adminunit.Map, seed uint64, communes []string, citizenID int64, out io.Writer) error {
	rnd := rand.New(rand.NewPCG(seed, seed^0x5eed1e))
	now := db.Now().In(clock.Vietnam)
	year := now.Year()
	at := func(day time.Time) *learningrecord.Service {
		t := time.Date(day.Year(), day.Month(), day.Day(), 20, 0, 0, 0, clock.Vietnam)
		return &learningrecord.Service{DB: db.WithClock(clock.NewFixed(t)), Units: units}
	}
	// day returns a random day of a year, before today.
	day := func(y int) time.Time {
		last := 365
		if y == year {
			last = max(1, now.YearDay()-1)
		}
		return time.Date(y, 1, 1, 0, 0, 0, 0, clock.Vietnam).AddDate(0, 0, rnd.IntN(last))
	}
	declare := func(c people.Citizen, kind string, from time.Time, days, minutes int, photo []byte) (store.Activity, error) {
		to := from.AddDate(0, 0, days-1)
		list := demoDescriptions[kind]
		in := learningrecord.ActivityInput{Kind: kind, Description: list[rnd.IntN(len(list))], StartedOn: from.Format("2006-01-02"),
			EndedOn: to.Format("2006-01-02"), Minutes: minutes}
		if photo != nil {
			in.Evidence = &learningrecord.Upload{FileName: "anh-minh-chung.png", Data: photo}
		}
		return at(to).Declare(ctx, nil, c.ID, in)
	}
	fw := digitalskills.Default()
	answers := func(skill float64) map[string]string {
		m := map[string]string{}
		for _, g := range fw.Groups {
			for _, s := range g.Statements {
				switch r := rnd.Float64(); {
				case r < skill:
					m[s.Code] = "can"
				case r < skill+0.25:
					m[s.Code] = "with_help"
				default:
					m[s.Code] = "cannot"
				}
			}
		}
		return m
	}
	declared, confirmed, digital, flagged := 0, 0, 0, 0
	for ci, code := range communes {
		if ci >= 2 {
			break
		}
		var adults []people.Citizen
		if err := db.EachCitizen(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, CommuneCode: code}, func(c people.Citizen) error {
			if year-c.BirthYear >= 15 {
				adults = append(adults, c)
			}
			return nil
		}); err != nil {
			return err
		}
		for i, c := range adults {
			if i >= 200 {
				break
			}
			if c.ID == citizenID {
				for _, kind := range []string{"reading", "club"} {
					from := time.Date(year-1, time.Month(3+rnd.IntN(8)), 1+rnd.IntN(28), 0, 0, 0, 0, clock.Vietnam)
					a, err := declare(c, kind, from, 1+rnd.IntN(20), (2+rnd.IntN(10))*60, nil)
					if err != nil {
						return fmt.Errorf("demo: learning record of %d: %w", c.ID, err)
					}
					if _, err := at(time.Date(year-1, 12, 28, 0, 0, 0, 0, clock.Vietnam)).Review(ctx, nil, a.ID, true, ""); err != nil {
						return err
					}
					declared++
				}
				continue
			}
			if rnd.Float64() > 0.35 {
				continue
			}
			for _, y := range []int{year - 2, year - 1, year} {
				for n := rnd.IntN(3); n > 0; n-- {
					kind := demoKinds[rnd.IntN(len(demoKinds))]
					days := 1
					if kind == "club" || kind == "online_course" || kind == "reading" {
						days = 1 + rnd.IntN(60)
					}
					from := day(y)
					if from.AddDate(0, 0, days-1).After(now.AddDate(0, 0, -1)) {
						days = 1
					}
					a, err := declare(c, kind, from, days, (1+rnd.IntN(min(days*3, 40)))*60, nil)
					if err != nil {
						return fmt.Errorf("demo: learning record of %d: %w", c.ID, err)
					}
					declared++
					// Past years are mostly reviewed; this year's wait for the collector.
					if y < year && rnd.Float64() < 0.85 {
						reject := rnd.Float64() < 0.08
						reason := ""
						if reject {
							reason = "Không có minh chứng, người kê khai không nhớ thời gian cụ thể"
						}
						if _, err := at(time.Date(y, 12, 28, 0, 0, 0, 0, clock.Vietnam)).Review(ctx, nil, a.ID, !reject, reason); err != nil {
							return err
						}
						confirmed++
					}
				}
			}
			if rnd.Float64() < 0.3 {
				if _, err := at(day(year)).TakeDigital(ctx, nil, c.ID, answers(0.3+rnd.Float64()*0.6)); err != nil {
					return err
				}
				digital++
			}
			if rnd.Float64() < 0.1 {
				k := store.DigitalConfirmation{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.ID,
					ConfirmedOn: day(year - 1 + rnd.IntN(2)).Format("2006-01-02"), Level: "basic", Issuer: "Nền tảng Bình dân học vụ số", FileName: "xac-nhan-ky-nang-so.xlsx"}
				if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.AddDigitalConfirmation(ctx, &k); return err }); err != nil {
					return err
				}
				digital++
			}
		}
		// What the checks are for: in the first commune, someone declaring far too many hours
		// this year, a 14-hour day, and one photo sent in by three neighbours.
		// They live in the demo citizen's village, which is the collector's.
		var home []people.Citizen
		if ci == 0 && citizenID != 0 {
			if me, err := db.Citizen(ctx, citizenID); err == nil {
				for _, c := range adults {
					if c.VillageID == me.VillageID && c.ID != citizenID {
						home = append(home, c)
					}
				}
			}
		}
		if len(home) >= 6 && now.YearDay() > 40 {
			adults := home
			heavy := adults[len(adults)-1]
			for k := 0; k < 3; k++ {
				if _, err := declare(heavy, "online_course", day(year), 1, 20*60, nil); err != nil {
					return err
				}
			}
			if _, err := declare(heavy, "online_course", time.Date(year, 1, 2, 0, 0, 0, 0, clock.Vietnam), 30, 180*60, nil); err != nil {
				return err
			}
			if _, err := declare(adults[len(adults)-2], "talk", day(year), 1, 14*60, nil); err != nil {
				return err
			}
			photo := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89demo-shared")
			for k := 3; k <= 5; k++ {
				if _, err := declare(adults[len(adults)-k], "club", day(year), 1, 120, photo); err != nil {
					return err
				}
			}
			flagged += 6
		}
	}
	if out != nil {
		fmt.Fprintf(out, "demo: learning records: %d activities declared (%d reviewed, %d to flag), %d digital-skills results\n", declared, confirmed, flagged, digital)
	}
	return nil
}
