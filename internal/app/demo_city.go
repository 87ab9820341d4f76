package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/citygen"
	"hoctap/internal/store"
)

// LoadCityDemo builds a synthetic city of the scale (city, district or commune) into an empty
// database (internal/citygen), then adds an administrator and a city officer with passwords
// drawn from the seed, and prints what it wrote: rows per table, time, peak memory.
func LoadCityDemo(ctx context.Context, db *store.DB, units *adminunit.Map, scale citygen.Scale, seed uint64, out io.Writer) (citygen.Result, []DemoAccount, error) {
	res, err := citygen.Generate(ctx, db, units, citygen.Options{Scale: scale, Seed: seed, Out: out})
	if err != nil {
		return res, nil, err
	}
	pw := rand.New(rand.NewPCG(seed, seed^0xc17e))
	password := func() string {
		words := []string{"hoc", "tap", "sen", "hong", "lua", "que", "song", "nui", "trang", "xanh"}
		return fmt.Sprintf("%s-%s-%04d", words[pw.IntN(len(words))], words[pw.IntN(len(words))], pw.IntN(10000))
	}
	province := units.Province()
	svc := account.New(db)
	var accounts []DemoAccount
	for _, a := range []struct {
		name, login string
		grant       auth.Grant
		where       string
	}{
		{"Quản trị hệ thống", "admin@hoctap.example", auth.Grant{Role: auth.RoleAdmin}, "—"},
		{"Trần Thu Hà", "thanhpho@hoctap.example", auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: province.Code}, province.Name},
	} {
		p := password()
		if _, err := svc.Create(ctx, nil, account.NewAccount{DisplayName: a.name, Login: a.login, Password: p, Grant: a.grant}); err != nil {
			return res, nil, fmt.Errorf("demo: account %s: %w", a.login, err)
		}
		accounts = append(accounts, DemoAccount{Role: a.grant.Role, Login: a.login, Password: p, Where: a.where})
	}
	if out != nil {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(out, "demo: %s scale: %d communes, %d people in %s\n", scale, res.Communes, res.People, res.Elapsed.Round(time.Second))
		fmt.Fprintf(out, "demo: peak heap in use %d MB, heap obtained from the system %d MB, peak RSS %d MB\n", res.PeakHeap>>20, m.HeapSys>>20, peakRSS()>>20)
		fmt.Fprintln(out, "demo: rows written per table:")
		var total int64
		for _, line := range citygen.SortedRows(res.Rows) {
			fmt.Fprintln(out, "  "+line)
		}
		for _, n := range res.Rows {
			total += n
		}
		fmt.Fprintf(out, "  %-22s %12d (%.0f rows/s)\n", "total", total, float64(total)/res.Elapsed.Seconds())
	}
	return res, accounts, nil
}
