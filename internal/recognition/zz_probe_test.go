package recognition_test

import (
	"fmt"
	"testing"

	"hoctap/internal/recognition"
)

func TestProbeEvidenceLimit(t *testing.T) {
	w := newWorld(t)
	p := w.resident()
	a := w.advance(p, "pledged", nil)
	var ups []recognition.Upload
	for i := 0; i < 7; i++ {
		ups = append(ups, recognition.Upload{Indicator: "CS01", FileName: fmt.Sprint(i, ".png"), Data: pngFile(t)})
	}
	_, err := w.svc.Submit(w.ctx, nil, a.ID, recognition.Submission{Scores: scores(9), ConsentMethod: "paper", Evidence: ups})
	ev, _ := w.db.EvidenceOf(w.ctx, a.ID)
	t.Logf("err=%v evidence=%d", err, len(ev))
}
