package learningrecord

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/digitalskills"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// Service is the learning record over a store.
type Service struct {
	DB    *store.DB
	Units *adminunit.Map
	// Rules and Framework default to the embedded files when nil.
	Rules     *Rules
	Framework *digitalskills.Framework
}

// ict is Asia/Ho_Chi_Minh, where days are counted.
var ict = time.FixedZone("ICT", 7*60*60)

// MaxDescription bounds an activity's description, in characters.
const MaxDescription = 500

func (s *Service) rules() *Rules {
	if s.Rules == nil {
		s.Rules = DefaultRules()
	}
	return s.Rules
}

// Framework returns the digital-skills framework the service scores against.
func (s *Service) framework() *digitalskills.Framework {
	if s.Framework == nil {
		s.Framework = digitalskills.Default()
	}
	return s.Framework
}

// Framework is the digital-skills framework in use.
func (s *Service) DigitalFramework() *digitalskills.Framework { return s.framework() }

// KindCodes lists the kinds of activity a person may declare.
func (s *Service) KindCodes() []string { return s.rules().KindCodes() }

// Today is the current day in Hà Nội, yyyy-mm-dd.
func (s *Service) Today() string { return s.DB.Now().In(ict).Format("2006-01-02") }

// Year is the current year in Hà Nội.
func (s *Service) Year() int { return s.DB.Now().In(ict).Year() }

// mayView tells whether by may read a person's record: officers who see the person, or the
// person themself.
func mayView(by *auth.Principal, c people.Citizen) bool {
	at := store.CitizenPlace(c)
	return by == nil || by.CanAt(auth.PermViewCitizens, at) || by.CanAt(auth.PermViewOwnRecord, at)
}

// mayEnter tells whether by may add to a person's record: the person themself online, or an
// officer entering it for them (assisted entry).
func mayEnter(by *auth.Principal, c people.Citizen) bool {
	at := store.CitizenPlace(c)
	return by == nil || by.CanAt(auth.PermSelfAssess, at) || by.CanAt(auth.PermAssistAssessment, at)
}

// isSelf tells whether by is the person.
func isSelf(by *auth.Principal, citizenID int64) bool {
	if by == nil {
		return false
	}
	for _, g := range by.GrantsOf(auth.RoleCitizen) {
		if g.CitizenID == citizenID {
			return true
		}
	}
	return false
}

// Citizen loads a person whose record by may read. Errors: ErrNotFound, ErrForbidden.
func (s *Service) Citizen(ctx context.Context, by *auth.Principal, id int64) (people.Citizen, error) {
	c, err := s.DB.Citizen(ctx, id)
	if err != nil {
		return c, err
	}
	if !mayView(by, c) {
		return c, fault.ErrForbidden
	}
	return c, nil
}

// MayEnter tells whether by may declare activities and take the self-assessment for a person.
func (s *Service) MayEnter(by *auth.Principal, c people.Citizen) bool { return mayEnter(by, c) }

// Upload is an evidence file as sent.
type Upload struct {
	FileName string
	Data     []byte
}

// ActivityInput is what a person (or an officer for them) declares.
type ActivityInput struct {
	Kind        string
	Description string
	StartedOn   string // yyyy-mm-dd
	EndedOn     string // yyyy-mm-dd; "" for the same day
	Minutes     int
	Evidence    *Upload
}

// validate checks an activity against today; every problem is returned at once.
func (in *ActivityInput) validate(r *Rules, today string) error {
	var es fault.Errors
	in.Description = strings.TrimSpace(in.Description)
	if !r.ValidKind(in.Kind) {
		es.Add("kind", "record.kind.invalid")
	}
	switch n := utf8.RuneCountInString(in.Description); {
	case n == 0:
		es.Add("description", "record.description.required")
	case n > MaxDescription:
		es.Add("description", "record.description.too_long", MaxDescription)
	}
	if in.EndedOn == "" {
		in.EndedOn = in.StartedOn
	}
	start, err1 := time.Parse("2006-01-02", in.StartedOn)
	end, err2 := time.Parse("2006-01-02", in.EndedOn)
	datesOK := err1 == nil && err2 == nil
	if err1 != nil || start.Year() < 1950 {
		es.Add("started_on", "record.date.invalid")
		datesOK = false
	}
	if err2 != nil || end.Year() < 1950 {
		es.Add("ended_on", "record.date.invalid")
		datesOK = false
	}
	if datesOK {
		switch {
		case in.StartedOn > today:
			es.Add("started_on", "record.date.future")
		case in.EndedOn > today:
			es.Add("ended_on", "record.date.future")
		case end.Before(start):
			es.Add("ended_on", "record.date.order")
		}
	}
	if in.Minutes <= 0 {
		es.Add("hours", "record.hours.required")
	} else if datesOK && !end.Before(start) {
		// The hours cannot exceed the time between the two dates (24 h a day, both days counted).
		if n := days(in.StartedOn, in.EndedOn); in.Minutes > n*24*60 {
			es.Add("hours", "record.hours.exceed_period", n*24, n)
		}
	}
	return es.Err()
}

// Declare adds a self-declared activity to a person's record, with its evidence file (a photo
// or a PDF, checked by its content). Errors: ErrNotFound, ErrForbidden, fault.Errors.
func (s *Service) Declare(ctx context.Context, by *auth.Principal, citizenID int64, in ActivityInput) (store.Activity, error) {
	var a store.Activity
	c, err := s.DB.Citizen(ctx, citizenID)
	if err != nil {
		return a, err
	}
	if !mayEnter(by, c) {
		return a, fault.ErrForbidden
	}
	verr := in.validate(s.rules(), s.Today())
	var ct string
	if in.Evidence != nil && len(in.Evidence.Data) > 0 {
		var err error
		if ct, err = recognition.EvidenceType(in.Evidence.Data); err != nil {
			fe, ok := fault.As(err)
			if !ok {
				return a, err
			}
			es, _ := verr.(fault.Errors)
			verr = append(es, fault.Field("file", fe.Key, fe.Args...))
		}
	}
	if verr != nil {
		return a, verr
	}
	a = store.Activity{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, VillageID: c.VillageID, CitizenID: c.ID,
		Kind: in.Kind, Description: in.Description, StartedOn: in.StartedOn, EndedOn: in.EndedOn, Minutes: in.Minutes}
	if by != nil {
		a.DeclaredBy = by.UserID
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if ct != "" {
			h, err := tx.PutBlob(ctx, ct, in.Evidence.Data)
			if err != nil {
				return err
			}
			a.EvidenceSHA256, a.EvidenceName, a.EvidenceType = h, cleanFileName(in.Evidence.FileName, ct), ct
		}
		return tx.CreateActivity(ctx, &a)
	})
	return a, err
}

// cleanFileName keeps the base name of an uploaded file, short and printable, with an
// extension that matches its content.
func cleanFileName(name, ct string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80])
	}
	if name == "" || name == "." {
		name = "minh-chung"
		switch ct {
		case "application/pdf":
			name += ".pdf"
		case "image/png":
			name += ".png"
		default:
			name += ".jpg"
		}
	}
	return name
}

// Review confirms or rejects a self-declared activity. Reviewers are the collector of the
// village where it was declared and the commune's officers; nobody reviews their own activity
// or one they entered. A rejection needs a reason. Errors: ErrNotFound, ErrForbidden,
// fault.Errors, Conflict "record.activity.reviewed".
func (s *Service) Review(ctx context.Context, by *auth.Principal, id int64, confirm bool, reason string) (store.Activity, error) {
	var a store.Activity
	reason = strings.TrimSpace(reason)
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = tx.Activity(ctx, id); err != nil {
			return err
		}
		if by != nil && !by.CanAt(auth.PermReviewLearning, store.ActivityPlace(a)) {
			return fault.ErrForbidden
		}
		if by != nil && (isSelf(by, a.CitizenID) || a.DeclaredBy == by.UserID) {
			return fault.New(fault.Forbidden, "record.review.own")
		}
		state := store.ActivityConfirmed
		if !confirm {
			state = store.ActivityRejected
			if reason == "" {
				return fault.Field("reason", "record.reason.required")
			}
			if utf8.RuneCountInString(reason) > MaxDescription {
				return fault.Field("reason", "record.reason.too_long", MaxDescription)
			}
		}
		var uid int64
		if by != nil {
			uid = by.UserID
		}
		if err := tx.ReviewActivity(ctx, a, state, reason, uid); err != nil {
			return err
		}
		a.State, a.Reason = state, reason
		return nil
	})
	return a, err
}

// Evidence returns an activity's evidence file to someone who may read the person's record or
// review the activity.
func (s *Service) Evidence(ctx context.Context, by *auth.Principal, id int64) (store.Activity, []byte, error) {
	a, err := s.DB.Activity(ctx, id)
	if err != nil {
		return a, nil, err
	}
	if by != nil && !by.CanAt(auth.PermReviewLearning, store.ActivityPlace(a)) {
		if _, err := s.Citizen(ctx, by, a.CitizenID); err != nil {
			return a, nil, err
		}
	}
	data, err := s.DB.ActivityEvidence(ctx, a)
	return a, data, err
}

// The kinds of item of a record.
const (
	KindCompletion   = store.ItemCompletion
	KindActivity     = store.ItemActivity
	KindDigital      = "digital_result"
	KindConfirmation = "digital_confirmation"
)

// The statuses of an item.
const (
	StatusProvider     = "provider_confirmed" // a completion, confirmed by its provider
	StatusConfirmed    = store.ActivityConfirmed
	StatusSelfDeclared = store.ActivitySelfDeclared
	StatusRejected     = store.ActivityRejected
	StatusImported     = "imported" // a confirmation from another platform
	StatusSelfAssessed = "self_assessed"
)

// Item is one entry of a learning record's timeline.
type Item struct {
	Kind            string // KindCompletion, KindActivity, KindDigital, KindConfirmation
	ID              int64
	Day             string // the day it ended, was completed, taken or confirmed (yyyy-mm-dd)
	StartedOn       string // activities: the first day
	Title           string // completions: the programme; activities: the description; digital: the level code
	Category        string // activities: the kind; completions: the topic; digital: the level code
	Minutes         int
	Status          string
	Reason          string // why an activity was rejected
	CertificateCode string
	HasEvidence     bool
	Percent         int      // digital results
	Issuer          string   // confirmations
	Suggest         []string // the Công dân học tập indicators it supports (rules.json, assumed)
}

// Year returns the year of the item's day.
func (it Item) Year() int { y, _ := strconv.Atoi(it.Day[:min(4, len(it.Day))]); return y }

// Hours shows the item's time in hours, with one decimal when needed.
func (it Item) Hours() string { return FormatHours(it.Minutes) }

// FormatHours shows minutes as hours: "2", "1,5".
func FormatHours(minutes int) string {
	if minutes%60 == 0 {
		return strconv.Itoa(minutes / 60)
	}
	return strings.Replace(strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64), ".", ",", 1)
}

// YearTotal is the time of one year's learning, by kind (KindCompletion, or an activity kind),
// and split into confirmed (by a provider or a reviewer) and self-declared. Rejected activities
// do not count.
type YearTotal struct {
	Year         int
	ByKind       map[string]int // minutes
	Confirmed    int
	SelfDeclared int
	Total        int
}

// Record is a person's learning record.
type Record struct {
	Citizen       people.Citizen
	Items         []Item // the newest first
	Years         []YearTotal
	Digital       []store.DigitalResult
	Confirmations []store.DigitalConfirmation
	CanEnter      bool // the viewer may declare and self-assess for the person
}

// Record returns a person's whole learning record, or one year of it (year 0: the whole life).
func (s *Service) Record(ctx context.Context, by *auth.Principal, citizenID int64, year int) (Record, error) {
	var rec Record
	c, err := s.Citizen(ctx, by, citizenID)
	if err != nil {
		return rec, err
	}
	rec.Citizen, rec.CanEnter = c, mayEnter(by, c)
	from, to := "", ""
	if year != 0 {
		from, to = fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	}
	items, err := s.items(ctx, c.ID, from, to, true)
	if err != nil {
		return rec, err
	}
	if rec.Digital, err = s.DB.DigitalResultsOf(ctx, c.ID); err != nil {
		return rec, err
	}
	if rec.Confirmations, err = s.DB.DigitalConfirmationsOf(ctx, c.ID); err != nil {
		return rec, err
	}
	inYear := func(day string) bool { return from == "" || (day >= from && day <= to) }
	for _, d := range rec.Digital {
		if inYear(d.TakenOn) {
			items = append(items, Item{Kind: KindDigital, ID: d.ID, Day: d.TakenOn, Title: d.Level, Category: d.Level, Percent: d.Percent,
				Status: StatusSelfAssessed, Suggest: slices.Clone(s.rules().DigitalResultIndicators)})
		}
	}
	for _, k := range rec.Confirmations {
		if inYear(k.ConfirmedOn) {
			items = append(items, Item{Kind: KindConfirmation, ID: k.ID, Day: k.ConfirmedOn, Title: k.Level, Category: k.Level, Issuer: k.Issuer,
				Status: StatusImported, Suggest: slices.Clone(s.rules().DigitalResultIndicators)})
		}
	}
	slices.SortStableFunc(items, func(a, b Item) int { return strings.Compare(b.Day, a.Day) })
	rec.Items = items
	rec.Years = Totals(items)
	return rec, nil
}

// items lists a person's completions and activities between two days, with suggestions;
// rejected activities only when withRejected.
func (s *Service) items(ctx context.Context, citizenID int64, from, to string, withRejected bool) ([]Item, error) {
	comps, err := s.DB.CompletionsOf(ctx, citizenID, from, to)
	if err != nil {
		return nil, err
	}
	acts, err := s.DB.ActivitiesOf(ctx, citizenID, from, to)
	if err != nil {
		return nil, err
	}
	r := s.rules()
	var out []Item
	for _, c := range comps {
		out = append(out, Item{Kind: KindCompletion, ID: c.ID, Day: c.CompletedOn, Title: c.Title, Category: c.Topic, Minutes: c.Minutes,
			Status: StatusProvider, CertificateCode: c.CertificateCode, Suggest: r.SuggestTopic(c.Topic)})
	}
	for _, a := range acts {
		if a.State == store.ActivityRejected && !withRejected {
			continue
		}
		out = append(out, Item{Kind: KindActivity, ID: a.ID, Day: a.EndedOn, StartedOn: a.StartedOn, Title: a.Description, Category: a.Kind,
			Minutes: a.Minutes, Status: a.State, Reason: a.Reason, HasEvidence: a.EvidenceSHA256 != "", Suggest: r.SuggestKind(a.Kind)})
	}
	slices.SortStableFunc(out, func(a, b Item) int { return strings.Compare(b.Day, a.Day) })
	return out, nil
}

// Totals sums the items' time by year, the newest year first. Rejected activities and digital
// results (which have no time) do not count.
func Totals(items []Item) []YearTotal {
	by := map[int]*YearTotal{}
	for _, it := range items {
		if it.Minutes <= 0 || it.Status == StatusRejected || (it.Kind != KindCompletion && it.Kind != KindActivity) {
			continue
		}
		y := it.Year()
		t := by[y]
		if t == nil {
			t = &YearTotal{Year: y, ByKind: map[string]int{}}
			by[y] = t
		}
		kind := it.Category
		if it.Kind == KindCompletion {
			kind = KindCompletion
		}
		t.ByKind[kind] += it.Minutes
		t.Total += it.Minutes
		if it.Status == StatusSelfDeclared {
			t.SelfDeclared += it.Minutes
		} else {
			t.Confirmed += it.Minutes
		}
	}
	var out []YearTotal
	for _, t := range by {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b YearTotal) int { return b.Year - a.Year })
	return out
}

// ItemsForYear returns a person's completions and activities (confirmed or self-declared, not
// rejected) of a year, each with the Công dân học tập indicators it supports, for attaching
// them to the self-assessment as evidence. Errors: ErrNotFound, ErrForbidden.
func (s *Service) ItemsForYear(ctx context.Context, by *auth.Principal, citizenID int64, year int) ([]Item, error) {
	c, err := s.Citizen(ctx, by, citizenID)
	if err != nil {
		return nil, err
	}
	return s.items(ctx, c.ID, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year), false)
}

// TakeDigital scores a digital-skills self-assessment and stores it, taken today. The person
// takes it online themself, or an officer enters it for them (then it is not self-submitted).
// Errors: ErrNotFound, ErrForbidden, fault.Errors by statement code.
func (s *Service) TakeDigital(ctx context.Context, by *auth.Principal, citizenID int64, answers map[string]string) (store.DigitalResult, error) {
	var r store.DigitalResult
	c, err := s.DB.Citizen(ctx, citizenID)
	if err != nil {
		return r, err
	}
	if !mayEnter(by, c) {
		return r, fault.ErrForbidden
	}
	fw := s.framework()
	res, err := fw.Score(answers)
	if err != nil {
		return r, err
	}
	r = store.DigitalResult{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.ID, TakenOn: s.Today(),
		FrameworkVersion: fw.Version, Answers: answers, Groups: res.Groups, Percent: res.Percent, Level: res.Level, SelfSubmitted: isSelf(by, c.ID)}
	if by != nil {
		r.SubmittedBy = by.UserID
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SaveDigitalResult(ctx, &r) })
	return r, err
}

// ReviewItem is an activity on the review page, with its flags and whether it was drawn.
type ReviewItem struct {
	Activity store.Activity
	Flags    []Flag
	Sampled  bool
}

// ReviewList is what a collector or commune officer reviews in a year: the flagged activities
// and each village's sample, within their scope.
type ReviewList struct {
	Year  int
	Items []ReviewItem // flagged or sampled, by village and person
	Total int          // activities of the year in scope
}

// Review lists the flagged and sampled activities of a year in the reviewer's scope (villageID
// 0: all of it). Errors: ErrForbidden.
func (s *Service) ReviewList(ctx context.Context, by *auth.Principal, year int, villageID int64) (ReviewList, error) {
	out := ReviewList{Year: year}
	scope := auth.Scope{All: true}
	if by != nil {
		scope = by.Scope(auth.PermReviewLearning)
		if scope.Empty() {
			return out, fault.ErrForbidden
		}
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	declFrom := time.Date(year, 1, 1, 0, 0, 0, 0, ict)
	acts, err := s.DB.ListActivities(ctx, store.ActivityQuery{Scope: scope, From: from, To: to, DeclFrom: declFrom, DeclTo: declFrom.AddDate(1, 0, 0), VillageID: villageID})
	if err != nil {
		return out, err
	}
	out.Total = len(acts)
	var people []int64
	var hashes []string
	seen := map[int64]bool{}
	for _, a := range acts {
		if !seen[a.CitizenID] {
			seen[a.CitizenID] = true
			people = append(people, a.CitizenID)
		}
		if a.EvidenceSHA256 != "" && !slices.Contains(hashes, a.EvidenceSHA256) {
			hashes = append(hashes, a.EvidenceSHA256)
		}
	}
	minutes, err := s.DB.MinutesOfYear(ctx, people, from, to)
	if err != nil {
		return out, err
	}
	users, err := s.DB.EvidenceUsers(ctx, hashes)
	if err != nil {
		return out, err
	}
	r := s.rules()
	flags := r.CheckActivities(year, s.Today(), acts, minutes, users)
	sample := r.Sample(year, acts)
	for _, a := range acts {
		if fs, drawn := flags[a.ID], sample[a.ID]; len(fs) > 0 || drawn {
			out.Items = append(out.Items, ReviewItem{Activity: a, Flags: fs, Sampled: drawn})
		}
	}
	return out, nil
}
