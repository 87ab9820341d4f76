package store_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/demo"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// BenchmarkSearchCitizens measures the search of one 100,000-person commune (DESIGN §6 goal:
// p95 ≤ 50 ms) by a part of the name without accents, by the last digits of the ID, and by a
// village filter, and reports the p95 of each kind.
func BenchmarkSearchCitizens(b *testing.B) {
	const persons = 100_000
	ctx := context.Background()
	db := testdb.Open(b, nil)
	names, err := demo.LoadNames()
	if err != nil {
		b.Fatal(err)
	}
	gen := demo.NewGenerator(names, 42)
	today := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	var villages []int64
	var sampleNames, sampleIDs []string
	start := time.Now()
	err = db.Write(ctx, func(tx *store.Tx) error {
		for i := 0; i < 50; i++ {
			v := village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: fmt.Sprintf("Tổ dân phố %d", i+1), Kind: village.KindToDanPho}
			if err := tx.CreateVillage(ctx, &v); err != nil {
				return err
			}
			villages = append(villages, v.ID)
		}
		for i := 0; i < persons; i++ {
			p := gen.Person("001", 0, 95, today)
			c := people.Citizen{ProvinceCode: "01", CommuneCode: "00004", VillageID: villages[i%len(villages)], NationalID: p.NationalID,
				FullName: p.FullName, BirthDate: p.BirthDate.Format("2006-01-02"), BirthYear: p.BirthDate.Year(), Gender: p.Gender}
			if err := tx.CreateCitizen(ctx, &c); err != nil {
				return err
			}
			if i%997 == 0 {
				sampleNames = append(sampleNames, p.FullName)
				sampleIDs = append(sampleIDs, p.NationalID)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d people in %s (%s)", persons, time.Since(start).Round(time.Millisecond), db.Dialect())
	scope := auth.Scope{Communes: []string{"00004"}}
	queries := map[string][]store.CitizenQuery{}
	for i, n := range sampleNames {
		words := strings.Fields(people.FoldName(n))
		// "the given name and the middle name", typed without accents, as officials do
		queries["name"] = append(queries["name"], store.CitizenQuery{Scope: scope, Text: strings.Join(words[len(words)-2:], " "), Limit: 50})
		queries["id_suffix"] = append(queries["id_suffix"], store.CitizenQuery{Scope: scope, Text: sampleIDs[i][8:], Limit: 50})
		queries["village"] = append(queries["village"], store.CitizenQuery{Scope: scope, VillageID: villages[i%len(villages)], Limit: 50, Offset: 100})
	}
	b.ResetTimer()
	for kind, qs := range queries {
		var durations []time.Duration
		for i := 0; i < b.N; i++ {
			for _, q := range qs {
				t0 := time.Now()
				if _, _, err := db.SearchCitizens(ctx, q); err != nil {
					b.Fatal(err)
				}
				durations = append(durations, time.Since(t0))
			}
		}
		sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
		p95 := durations[len(durations)*95/100]
		b.ReportMetric(float64(p95.Microseconds())/1000, "p95_ms_"+kind)
		b.Logf("%s search: p95 %.1f ms over %d queries (goal ≤ 50 ms)", kind, float64(p95.Microseconds())/1000, len(durations))
	}
}
