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
	cases := []struct {
		who, path       string
		present, absent []string
	}{
		{"city_officer", "/citizens", []string{`<select id="commune"`, option("Phường Ba Đình"), option("Phường Ngọc Hà")}, []string{own, foreign}},
		{"city_officer", "/citizens?commune=00004", []string{own, `value="00004" selected`}, []string{foreign}},
		{"city_officer", "/citizens?village=" + strconv.FormatInt(f.foreignVillage, 10), []string{foreign, `value="00008" selected`}, []string{own}},
		{"commune_officer", "/citizens", []string{own}, []string{`<select id="commune"`, foreign}},
	}
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
