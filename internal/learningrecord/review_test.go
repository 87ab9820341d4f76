package learningrecord_test

import (
	"reflect"
	"slices"
	"testing"

	"hoctap/internal/learningrecord"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// crafted writes an activity straight into the store, as crafted data would arrive (bypassing
// the service's checks), declared at the given instant.
func (w *world) crafted(c people.Citizen, kind, from, to string, minutes int, sha string) store.Activity {
	w.t.Helper()
	a := store.Activity{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, VillageID: c.VillageID, CitizenID: c.ID, Kind: kind,
		Description: "Hoạt động " + kind, StartedOn: from, EndedOn: to, Minutes: minutes}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error {
		if sha != "" {
			h, err := tx.PutBlob(w.ctx, "image/png", pngBytes(int(sha[0])))
			if err != nil {
				return err
			}
			a.EvidenceSHA256, a.EvidenceName = h, "anh.png"
		}
		return tx.CreateActivity(w.ctx, &a)
	}); err != nil {
		w.t.Fatal(err)
	}
	return a
}

func flagCodes(fs []learningrecord.Flag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	slices.Sort(out)
	return out
}

// TestReviewFlags crafts data that each check must catch, and data that none may.
func TestReviewFlags(t *testing.T) {
	w := newWorld(t)
	honest, _ := w.person(w.v1)
	heavy, _ := w.person(w.v1)
	s1, _ := w.person(w.v1)
	s2, _ := w.person(w.v2)
	s3, _ := w.person(w.v2)
	late, _ := w.person(w.v1)
	far, _ := w.person(w.vOther)

	ok := w.crafted(honest, "reading", "2026-02-01", "2026-02-28", 10*60, "")
	// 13 h in one day (> 12 h a day).
	longDay := w.crafted(honest, "talk", "2026-03-03", "2026-03-03", 13*60, "")
	// 150 h + 60 h = 210 h in the year (> 200 h): both flagged.
	h1 := w.crafted(heavy, "online_course", "2026-01-01", "2026-03-31", 150*60, "")
	h2 := w.crafted(heavy, "club", "2026-01-01", "2026-03-31", 60*60, "")
	// The same photo used by three people (≥ 3), two of them in another village.
	sh1 := w.crafted(s1, "club", "2026-03-01", "2026-03-01", 120, "same")
	sh2 := w.crafted(s2, "club", "2026-03-01", "2026-03-01", 120, "same")
	w.crafted(s3, "club", "2026-03-01", "2026-03-01", 120, "same")
	// The same photo twice by one person is one person.
	w.crafted(honest, "reading", "2026-01-10", "2026-01-10", 60, "mine")
	w.crafted(honest, "reading", "2026-01-11", "2026-01-11", 60, "mine")
	// Dated in the future (crafted: the service refuses it).
	future := w.crafted(late, "reading", "2026-04-20", "2026-04-25", 300, "")
	// Declared in 2026 for 2024: outside the year; and one spanning the new year.
	old := w.crafted(late, "reading", "2024-06-01", "2024-06-30", 600, "")
	span := w.crafted(late, "club", "2025-12-01", "2026-01-31", 600, "")
	// Outside the officer's ward: never listed.
	w.crafted(far, "talk", "2026-03-03", "2026-03-03", 20*60, "")

	list, err := w.svc.ReviewList(w.ctx, w.officer, 2026, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64][]string{}
	for _, it := range list.Items {
		if it.Activity.CommuneCode != commune {
			t.Errorf("an activity of %s is listed", it.Activity.CommuneCode)
		}
		if len(it.Flags) > 0 {
			got[it.Activity.ID] = flagCodes(it.Flags)
		}
	}
	want := map[int64][]string{
		longDay.ID: {learningrecord.FlagHoursDay},
		h1.ID:      {learningrecord.FlagHoursYear},
		h2.ID:      {learningrecord.FlagHoursYear},
		sh1.ID:     {learningrecord.FlagSharedEvidence},
		sh2.ID:     {learningrecord.FlagSharedEvidence},
		future.ID:  {learningrecord.FlagFuture},
		old.ID:     {learningrecord.FlagOutsideYear},
		span.ID:    {learningrecord.FlagOutsideYear},
	}
	// s3's copy is flagged too, in village 2.
	for _, it := range list.Items {
		if it.Activity.CitizenID == s3.ID {
			want[it.Activity.ID] = []string{learningrecord.FlagSharedEvidence}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("flags\n got %v\nwant %v", got, want)
	}
	if _, flagged := got[ok.ID]; flagged {
		t.Error("an ordinary activity is flagged")
	}

	// The collector of village 1 sees only village 1.
	mine, err := w.svc.ReviewList(w.ctx, w.collector1, 2026, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range mine.Items {
		if it.Activity.VillageID != w.v1.ID {
			t.Errorf("the collector of village 1 sees %s", it.Activity.VillageName)
		}
	}
	// A rejected activity is no longer flagged; the year total drops below the threshold.
	if _, err := w.svc.Review(w.ctx, w.officer, h2.ID, false, "Trùng với khóa học trực tuyến"); err != nil {
		t.Fatal(err)
	}
	list, _ = w.svc.ReviewList(w.ctx, w.officer, 2026, 0)
	for _, it := range list.Items {
		if it.Activity.ID == h1.ID && len(it.Flags) > 0 {
			t.Errorf("after the rejection: %v", flagCodes(it.Flags))
		}
	}
}

// TestSample checks the draw: reproducible, at most n per village, different by year.
func TestSample(t *testing.T) {
	r := learningrecord.DefaultRules()
	var acts []store.Activity
	for i := 1; i <= 40; i++ {
		acts = append(acts, store.Activity{ID: int64(i), VillageID: int64(1 + i%2)})
	}
	rev := slices.Clone(acts)
	slices.Reverse(rev)
	a, b := r.Sample(2026, acts), r.Sample(2026, rev)
	if !reflect.DeepEqual(a, b) {
		t.Error("the draw depends on the order of the list")
	}
	per := map[int64]int{}
	for id := range a {
		per[acts[id-1].VillageID]++
	}
	if per[1] != r.Checks.SamplePerVillage || per[2] != r.Checks.SamplePerVillage {
		t.Errorf("per village %v", per)
	}
	if reflect.DeepEqual(a, r.Sample(2027, acts)) {
		t.Error("the same draw in another year")
	}
	// Adding an activity moves at most one out of each village's draw.
	more := r.Sample(2026, append(slices.Clone(acts), store.Activity{ID: 41, VillageID: 2}))
	gone := 0
	for id := range a {
		if !more[id] {
			gone++
		}
	}
	if gone > 1 {
		t.Errorf("%d drawn activities left the sample", gone)
	}
}
