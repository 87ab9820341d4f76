package store_test

import (
	"context"
	"fmt"
	"testing"

	"hoctap/internal/audit"
	"hoctap/internal/testdb"
)

func TestRawInsert(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	db := testdb.Open(t, nil)
	rows := make([][]string, 1234) // two full batches on SQLite and a partial one
	for i := range rows {
		rows[i] = []string{fmt.Sprint(i), "Nguyễn Văn An", "01/02/1990"}
	}
	for range 2 { // the table is made again, empty, each time
		if err := db.ResetRawTable(ctx, 3); err != nil {
			t.Fatal(err)
		}
		if err := db.RawInsert(ctx, rows); err != nil {
			t.Fatal(err)
		}
		if n, err := db.RawRows(ctx); err != nil || n != int64(len(rows)) {
			t.Fatalf("%d rows (%v), want %d", n, err, len(rows))
		}
	}
	if err := db.ResetRawTable(ctx, 17); err == nil {
		t.Error("17 columns accepted")
	}
}
