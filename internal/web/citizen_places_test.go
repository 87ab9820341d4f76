package web_test

import (
	"strconv"
	"strings"
	"testing"
)

// TestCitizenListPlaces checks the place filters of the citizen list: officers of one commune
// pick among its villages; the city's officers pick a commune first, then its villages.
func TestCitizenListPlaces(t *testing.T) {
	f := newFixture(t)
	option := func(name string) string { return ">" + name + "</option>" }
	own, foreign := option("Tổ dân phố số 1"), option("Tổ dân phố Ngọc Hà 1")
	cases := []pageCase{
		{"city_officer", "/citizens", []string{`<select id="commune"`, option("Phường Ba Đình"), option("Phường Ngọc Hà")}, []string{own, foreign}},
		{"city_officer", "/citizens?commune=00004", []string{own, `value="00004" selected`}, []string{foreign}},
		{"city_officer", "/citizens?village=" + strconv.FormatInt(f.foreignVillage, 10), []string{foreign, `value="00008" selected`}, []string{own}},
		{"commune_officer", "/citizens", []string{own}, []string{`<select id="commune"`, foreign}},
	}
	checkPages(t, f, cases)
}

// TestVillageListOneCommuneAtATime checks that the city's officers see the villages (with their
// counts) of one commune at a time, and a commune officer sees theirs at once.
func TestVillageListOneCommuneAtATime(t *testing.T) {
	f := newFixture(t)
	own, foreign := "Tổ dân phố số 1</a>", "Tổ dân phố Ngọc Hà 1</a>"
	cases := []pageCase{
		{"city_officer", "/villages", []string{`<select id="commune"`, "Chọn một xã, phường"}, []string{own, foreign}},
		{"city_officer", "/villages?commune=00008", []string{foreign, `value="00008" selected`}, []string{own}},
		{"commune_officer", "/villages", []string{own}, []string{`<select id="commune"`, foreign}},
	}
	checkPages(t, f, cases)
}

// pageCase is a page read by one principal, with text it must and must not show.
type pageCase struct {
	who, path       string
	present, absent []string
}

func checkPages(t *testing.T, f *fixture, cases []pageCase) {
	t.Helper()
	for _, c := range cases {
		res := f.get(t, c.who, c.path)
		if res.status != 200 {
			t.Errorf("%s %s: status %d", c.who, c.path, res.status)
			continue
		}
		for _, s := range c.present {
			if !strings.Contains(res.body, s) {
				t.Errorf("%s %s: no %q", c.who, c.path, s)
			}
		}
		for _, s := range c.absent {
			if strings.Contains(res.body, s) {
				t.Errorf("%s %s: shows %q", c.who, c.path, s)
			}
		}
	}
}
