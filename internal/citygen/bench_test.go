package citygen_test

import (
	"context"
	"testing"

	"hoctap/internal/citygen"
)

// BenchmarkGenerateDistrict generates the district-sized city (about 370,000 people in seven
// communes) into a new database: the rate per person, multiplied by 8.5 million, is what the
// city takes (DESIGN §6 goal: the city in ≤ 10 min on SQLite).
func BenchmarkGenerateDistrict(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, units := open(b)
		b.StartTimer()
		res, err := citygen.Generate(context.Background(), db, units, citygen.Options{Scale: citygen.ScaleDistrict, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		perPerson := res.Elapsed.Seconds() / float64(res.People)
		b.ReportMetric(float64(res.People)/res.Elapsed.Seconds(), "people/s")
		b.ReportMetric(perPerson*8.5e6/60, "city_min")
		b.ReportMetric(float64(res.PeakHeap)/(1<<20), "peak_heap_MB")
		b.Logf("%d people, %d communes in %s: the city's 8.5 M at this rate in %.1f min (goal ≤ 10)", res.People, res.Communes, res.Elapsed.Round(1e6), perPerson*8.5e6/60)
	}
}
