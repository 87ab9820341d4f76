package store_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"hoctap/internal/store"
	"hoctap/internal/testdb"
)

// TestWritersThatReadDoNotStarve runs three times as many write transactions at once as a
// pool has connections, each reading through the read pool while it holds its transaction, as
// the services do. With one pool for both on PostgreSQL, every connection ended up held by a
// writer waiting for a second one, and all of them waited until their deadline.
func TestWritersThatReadDoNotStarve(t *testing.T) {
	db := testdb.Open(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n := 3 * max(8, 4*runtime.NumCPU())
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			errs <- db.Write(ctx, func(tx *store.Tx) error {
				time.Sleep(20 * time.Millisecond) // all of them hold a transaction at once
				_, err := db.CountUsers(ctx)
				return err
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a writer that reads: %v", err)
		}
	}
}
