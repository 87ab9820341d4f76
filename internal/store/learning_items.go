package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hoctap/internal/fault"
)

// LearningItemOwner returns whose learning record an item (a completion or an activity) belongs
// to, and its year, so that a self-assessment attaches only the person's own items of the year.
func (db *DB) LearningItemOwner(ctx context.Context, kind string, id int64) (citizenID int64, day string, err error) {
	var q string
	switch kind {
	case ItemCompletion:
		q = "SELECT citizen_id, completed_on FROM completions WHERE id = ?"
	case ItemActivity:
		q = "SELECT citizen_id, ended_on FROM learning_activities WHERE id = ?"
	default:
		return 0, "", fmt.Errorf("store: learning item of kind %q", kind)
	}
	err = db.r().queryRow(ctx, q, id).Scan(&citizenID, &day)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fault.ErrNotFound
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: learning item: %w", err)
	}
	return citizenID, day, nil
}
