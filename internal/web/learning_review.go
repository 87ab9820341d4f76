package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/auth"
	"hoctap/internal/learningrecord"
	"hoctap/internal/store"
)

// LearningReviewRow is an activity on the review page.
type LearningReviewRow struct {
	ID          int64
	CitizenID   int64
	FullName    string
	VillageName string
	Kind        string
	Description string
	Period      string
	Hours       string
	State       string
	StateLabel  string
	Evidence    string // its file name, "" without a file
	Flags       []string
	Sampled     bool
	CanReview   bool
}

// LearningReviewView is the page of checks on self-declared claims.
type LearningReviewView struct {
	Base
	Year    int
	Years   []int
	Rows    []LearningReviewRow
	Total   int
	Flagged int
	Sampled int
	Checks  learningrecord.Checks
	Next    string
}

func (s *Server) learningReview(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	now := s.record.Year()
	if err != nil || year < now-10 || year > now {
		year = now
	}
	village, _ := strconv.ParseInt(r.URL.Query().Get("village"), 10, 64)
	list, err := s.record.ReviewList(r.Context(), p, year, village)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "record.review.title")
	v := LearningReviewView{Base: b, Year: year, Total: list.Total, Checks: learningrecord.DefaultRules().Checks, Next: r.URL.RequestURI()}
	for y := now; y >= now-4; y-- {
		v.Years = append(v.Years, y)
	}
	for _, it := range list.Items {
		a := it.Activity
		period := b.Day(a.StartedOn)
		if a.EndedOn != a.StartedOn {
			period += "–" + b.Day(a.EndedOn)
		}
		row := LearningReviewRow{ID: a.ID, CitizenID: a.CitizenID, FullName: a.FullName, VillageName: a.VillageName, Kind: b.T("record.kind." + a.Kind),
			Description: a.Description, Period: period, Hours: hoursLabel(b, a.Minutes), State: a.State, StateLabel: b.T("record.status." + a.State),
			Evidence: a.EvidenceName, Sampled: it.Sampled, CanReview: a.State == learningrecord.StatusSelfDeclared && p.CanAt(auth.PermReviewLearning, store.ActivityPlace(a))}
		for _, f := range it.Flags {
			row.Flags = append(row.Flags, b.T("record.flag."+f.Code, f.Args...))
		}
		if len(row.Flags) > 0 {
			v.Flagged++
		}
		if it.Sampled {
			v.Sampled++
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "learning_review", v)
}
