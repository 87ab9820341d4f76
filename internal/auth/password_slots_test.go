package auth

import (
	"runtime"
	"sync"
	"testing"
)

// TestPasswordHashesAreBoundedByCores checks that many simultaneous sign-ins compute at most
// one hash per core at once, so their memory stays bounded.
func TestPasswordHashesAreBoundedByCores(t *testing.T) {
	hash, err := HashPassword("mot-mat-khau-dai")
	if err != nil {
		t.Fatal(err)
	}
	peakHashing.Store(0)
	var wg sync.WaitGroup
	for range 4 * runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := VerifyPassword(hash, "mot-mat-khau-dai"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if peak := peakHashing.Load(); peak < 1 || peak > int64(runtime.NumCPU()) {
		t.Errorf("%d hashes at once, want 1 to %d", peak, runtime.NumCPU())
	}
}
