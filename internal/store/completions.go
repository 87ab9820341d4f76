package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
)

// CompletionDetail is a completion (type Completion, table completions: what the learning
// record reads) with the names that pages and certificates print.
type CompletionDetail struct {
	Completion
	FullName     string
	BirthYear    int
	ProviderName string
}

// CompletionPlace locates a completion by its person and provider.
func CompletionPlace(c Completion) auth.Place {
	return auth.Place{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.CitizenID, ProviderID: c.ProviderID}
}

const completionColumns = `k.id, k.province_code, k.commune_code, k.citizen_id, COALESCE(k.programme_id, 0), k.provider_id, k.title, k.topic,
	k.completed_on, k.minutes, k.source, COALESCE(k.certificate_code, ''), k.created_at, c.full_name, c.birth_year, v.name`

const completionFrom = " FROM completions k JOIN citizens c ON c.id = k.citizen_id JOIN providers v ON v.id = k.provider_id"

func scanCompletion(s scanner) (CompletionDetail, error) {
	var k CompletionDetail
	err := s.Scan(&k.ID, &k.ProvinceCode, &k.CommuneCode, &k.CitizenID, &k.ProgrammeID, &k.ProviderID, &k.Title, &k.Topic,
		&k.CompletedOn, &k.Minutes, &k.Source, &k.CertificateCode, &k.CreatedAt, &k.FullName, &k.BirthYear, &k.ProviderName)
	if errors.Is(err, sql.ErrNoRows) {
		return k, fault.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("store: scan completion: %w", err)
	}
	k.CreatedAt = k.CreatedAt.UTC()
	return k, nil
}

// CreateCompletion records a completion.
func (tx *Tx) CreateCompletion(ctx context.Context, k *Completion) error {
	k.CreatedAt = tx.now
	id, err := tx.insert(ctx, `INSERT INTO completions (province_code, commune_code, citizen_id, programme_id, provider_id, title, topic,
		completed_on, minutes, source, certificate_code, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ProvinceCode, k.CommuneCode, k.CitizenID, nullInt(k.ProgrammeID), k.ProviderID, k.Title, k.Topic, k.CompletedOn, k.Minutes, k.Source,
		nullStr(k.CertificateCode), tx.now)
	if err != nil {
		if isUniqueViolation(err) {
			return fault.New(fault.Conflict, "completion.exists")
		}
		return fmt.Errorf("store: create completion: %w", err)
	}
	k.ID = id
	return tx.record(ctx, Change{Action: "create", Entity: "completion", EntityID: id, Place: CompletionPlace(*k),
		After: map[string]any{"citizen_id": k.CitizenID, "programme_id": k.ProgrammeID, "completed_on": k.CompletedOn, "minutes": k.Minutes,
			"source": k.Source, "certificate": k.CertificateCode != ""}})
}

// DeleteCompletion removes a completion by attendance that the attendance no longer supports.
func (tx *Tx) DeleteCompletion(ctx context.Context, k Completion) error {
	if _, err := tx.exec(ctx, "DELETE FROM completions WHERE id = ?", k.ID); err != nil {
		return fmt.Errorf("store: delete completion: %w", err)
	}
	return tx.record(ctx, Change{Action: "delete", Entity: "completion", EntityID: k.ID, Place: CompletionPlace(k),
		Before: map[string]any{"citizen_id": k.CitizenID, "programme_id": k.ProgrammeID, "completed_on": k.CompletedOn, "source": k.Source}})
}

// CompletionOfProgramme returns a person's completion of a programme (the earliest), or ErrNotFound.
func (tx *Tx) CompletionOfProgramme(ctx context.Context, programmeID, citizenID int64) (CompletionDetail, error) {
	return scanCompletion(tx.queryRow(ctx, "SELECT "+completionColumns+completionFrom+
		" WHERE k.programme_id = ? AND k.citizen_id = ? ORDER BY k.completed_on, k.id LIMIT 1", programmeID, citizenID))
}

// CompletionOn returns the completion of a person, programme and day, or ErrNotFound.
func (tx *Tx) CompletionOn(ctx context.Context, programmeID, citizenID int64, day string) (CompletionDetail, error) {
	return scanCompletion(tx.queryRow(ctx, "SELECT "+completionColumns+completionFrom+
		" WHERE k.programme_id = ? AND k.citizen_id = ? AND k.completed_on = ?", programmeID, citizenID, day))
}

// Completion returns one completion.
func (db *DB) Completion(ctx context.Context, id int64) (CompletionDetail, error) {
	return scanCompletion(db.r().queryRow(ctx, "SELECT "+completionColumns+completionFrom+" WHERE k.id = ?", id))
}

// CompletionByCode finds a completion by its certificate's code.
func (db *DB) CompletionByCode(ctx context.Context, code string) (CompletionDetail, error) {
	return scanCompletion(db.r().queryRow(ctx, "SELECT "+completionColumns+completionFrom+" WHERE k.certificate_code = ?", code))
}

// CompletionsOfCitizen lists a person's completions, newest first.
func (db *DB) CompletionsOfCitizen(ctx context.Context, citizenID int64) ([]CompletionDetail, error) {
	return completions(ctx, db.r(), "SELECT "+completionColumns+completionFrom+" WHERE k.citizen_id = ? ORDER BY k.completed_on DESC, k.id DESC", citizenID)
}

// CompletionsOfProgramme lists a programme's completions by name.
func (db *DB) CompletionsOfProgramme(ctx context.Context, programmeID int64) ([]CompletionDetail, error) {
	return completions(ctx, db.r(), "SELECT "+completionColumns+completionFrom+" WHERE k.programme_id = ? ORDER BY c.sort_key, k.completed_on, k.id", programmeID)
}

func completions(ctx context.Context, r reader, q string, args ...any) ([]CompletionDetail, error) {
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: completions: %w", err)
	}
	defer rows.Close()
	var out []CompletionDetail
	for rows.Next() {
		k, err := scanCompletion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ProgrammesOfProvider returns a provider's programmes keyed by id, for imports.
func (r reader) ProgrammesOfProvider(ctx context.Context, providerID int64) ([]Programme, error) {
	rows, err := r.query(ctx, "SELECT "+programmeColumns+programmeFrom+" WHERE p.provider_id = ? ORDER BY p.id", providerID)
	if err != nil {
		return nil, fmt.Errorf("store: programmes of provider: %w", err)
	}
	defer rows.Close()
	var out []Programme
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ProgrammesOfProvider outside a transaction.
func (db *DB) ProgrammesOfProvider(ctx context.Context, providerID int64) ([]Programme, error) {
	return db.r().ProgrammesOfProvider(ctx, providerID)
}

// CompletionKeys returns, for the people given, which (programme, day) completions they have:
// "programmeID/yyyy-mm-dd" per citizen id.
func (r reader) CompletionKeys(ctx context.Context, citizenIDs []int64) (map[int64]map[string]bool, error) {
	out := map[int64]map[string]bool{}
	for start := 0; start < len(citizenIDs); start += 500 {
		end := min(start+500, len(citizenIDs))
		in, args := inList(citizenIDs[start:end])
		rows, err := r.query(ctx, "SELECT citizen_id, COALESCE(programme_id, 0), completed_on FROM completions WHERE citizen_id IN "+in, args...)
		if err != nil {
			return nil, fmt.Errorf("store: completion keys: %w", err)
		}
		for rows.Next() {
			var cid, pid int64
			var day string
			if err := rows.Scan(&cid, &pid, &day); err != nil {
				rows.Close()
				return nil, err
			}
			if out[cid] == nil {
				out[cid] = map[string]bool{}
			}
			out[cid][fmt.Sprintf("%d/%s", pid, day)] = true
		}
		rows.Close()
	}
	return out, nil
}

// CompletionKeys outside a transaction.
func (db *DB) CompletionKeys(ctx context.Context, citizenIDs []int64) (map[int64]map[string]bool, error) {
	return db.r().CompletionKeys(ctx, citizenIDs)
}
