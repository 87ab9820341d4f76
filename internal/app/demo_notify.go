package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// loadDemoNotify gives the demo citizen last year's record, taken through the ordinary steps
// (returned once for a missing photo, completed, verified, appraised and recognised by a
// decision of its own), so that their inbox holds the messages those steps send. This year is
// left without a pledge, to be tried by hand. No external channel is switched on: the messages
// stay in the inbox.
func loadDemoNotify(ctx context.Context, db *store.DB, units *adminunit.Map, citizenID int64, out io.Writer) error {
	if citizenID == 0 {
		return nil
	}
	year := db.Now().In(clock.Vietnam).Year() - 1
	y := fmt.Sprint(year)
	at := func(day string) *recognition.Service {
		t, _ := time.ParseInLocation("2006-01-02 15:04", y+"-"+day+" 09:00", clock.Vietnam)
		return &recognition.Service{DB: db.WithClock(clock.NewFixed(t)), Units: units}
	}
	cy, err := db.CycleOfYear(ctx, recognition.TitleLearningCitizen, year)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	a, err := at("03-10").Pledge(ctx, nil, cy.ID, citizenID)
	if err != nil {
		return fmt.Errorf("demo: the demo citizen's record of %d: %w", year, err)
	}
	scores := map[string]int{}
	for i := 1; i <= 10; i++ {
		scores[fmt.Sprintf("CS%02d", i)] = 8 + i%3
	}
	sub := recognition.Submission{Scores: scores, ConsentMethod: recognition.ConsentPaper}
	if _, err := at("04-20").Submit(ctx, nil, a.ID, sub); err != nil {
		return err
	}
	if err := at("05-05").Return(ctx, nil, a.ID, "Bổ sung ảnh giấy chứng nhận lớp kỹ năng số cho tiêu chí 5"); err != nil {
		return err
	}
	if _, err := at("05-12").Submit(ctx, nil, a.ID, sub); err != nil {
		return err
	}
	if _, err := at("10-20").Verify(ctx, nil, a.ID, nil); err != nil {
		return err
	}
	if err := at("11-15").Appraise(ctx, nil, a.ID, true, ""); err != nil {
		return err
	}
	body := "Hội Khuyến học"
	if u, err := units.Current(a.CommuneCode); err == nil {
		body += " " + u.Name
	}
	if _, err := at("12-12").Decide(ctx, nil, cy.ID, a.CommuneCode, recognition.DecisionInput{Number: "25/QĐ-HKH", SignedOn: y + "-12-12",
		Signer: "Nguyễn Văn Thành", SignerTitle: "Chủ tịch Hội Khuyến học", IssuingBody: body}); err != nil {
		return err
	}
	if out != nil {
		fmt.Fprintf(out, "demo: the demo citizen's %d record was returned once, then recognised: their inbox (/inbox) holds the messages\n", year)
	}
	return nil
}
