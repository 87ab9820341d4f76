package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
)

const userColumns = `u.id, u.display_name, COALESCE(u.login_phone, ''), COALESCE(u.login_email, ''), COALESCE(u.login_national_id, ''),
	u.password_hash, u.lang, COALESCE(u.citizen_id, 0), u.active, u.must_change_password, u.failed_logins, u.locked_until,
	COALESCE(u.created_by, 0), u.created_at`

func scanUser(s scanner) (auth.User, error) {
	var u auth.User
	var locked sql.NullTime
	err := s.Scan(&u.ID, &u.DisplayName, &u.Phone, &u.Email, &u.NationalID, &u.PasswordHash, &u.Lang, &u.CitizenID,
		&u.Active, &u.MustChangePassword, &u.FailedLogins, &locked, &u.CreatedBy, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fault.ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("store: scan user: %w", err)
	}
	if locked.Valid {
		u.LockedUntil = locked.Time.UTC()
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// UserByLogin finds the account with the given normalised identifier.
func (db *DB) UserByLogin(ctx context.Context, kind auth.LoginKind, login string) (auth.User, error) {
	col := map[auth.LoginKind]string{auth.LoginPhone: "login_phone", auth.LoginEmail: "login_email", auth.LoginNationalID: "login_national_id"}[kind]
	if col == "" {
		return auth.User{}, fault.ErrNotFound
	}
	u, err := scanUser(db.r().queryRow(ctx, "SELECT "+userColumns+" FROM users u WHERE u."+col+" = ?", login))
	if err != nil {
		return u, err
	}
	u.Grants, err = db.grants(ctx, db.r(), u.ID)
	return u, err
}

// User returns an account with its grants.
func (db *DB) User(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(db.r().queryRow(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = ?", id))
	if err != nil {
		return u, err
	}
	u.Grants, err = db.grants(ctx, db.r(), u.ID)
	return u, err
}

func (db *DB) grants(ctx context.Context, r reader, userID int64) ([]auth.Grant, error) {
	rows, err := r.query(ctx, `SELECT id, user_id, role, province_code, commune_code, COALESCE(village_id, 0), COALESCE(work_unit_id, 0),
		COALESCE(provider_id, 0), COALESCE(citizen_id, 0) FROM grants WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: grants: %w", err)
	}
	defer rows.Close()
	var out []auth.Grant
	for rows.Next() {
		var g auth.Grant
		var role string
		if err := rows.Scan(&g.ID, &g.UserID, &role, &g.ProvinceCode, &g.CommuneCode, &g.VillageID, &g.WorkUnitID, &g.ProviderID, &g.CitizenID); err != nil {
			return nil, fmt.Errorf("store: scan grant: %w", err)
		}
		g.Role = auth.Role(role)
		out = append(out, g)
	}
	return out, rows.Err()
}

// CreateUser inserts an account with its grants and records it in the audit log.
func (tx *Tx) CreateUser(ctx context.Context, u *auth.User) error {
	id, err := tx.insert(ctx, `INSERT INTO users (display_name, login_phone, login_email, login_national_id, password_hash, lang,
		citizen_id, active, must_change_password, created_by, created_at, password_changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.DisplayName, nullStr(u.Phone), nullStr(u.Email), nullStr(u.NationalID), u.PasswordHash, u.Lang,
		nullInt(u.CitizenID), true, u.MustChangePassword, nullInt(u.CreatedBy), tx.now, tx.now)
	if isUniqueViolation(err) {
		return fault.Field("login", "account.login.taken")
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	u.ID, u.Active, u.CreatedAt = id, true, tx.now
	for i := range u.Grants {
		g := &u.Grants[i]
		g.UserID = id
		gid, err := tx.insert(ctx, `INSERT INTO grants (user_id, role, province_code, commune_code, village_id, work_unit_id, provider_id,
			citizen_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, string(g.Role), g.ProvinceCode, g.CommuneCode, nullInt(g.VillageID), nullInt(g.WorkUnitID), nullInt(g.ProviderID),
			nullInt(g.CitizenID), nullInt(u.CreatedBy), tx.now)
		if err != nil {
			return fmt.Errorf("store: create grant: %w", err)
		}
		g.ID = gid
	}
	return tx.record(ctx, Change{Action: "user.create", Entity: "user", EntityID: id, Place: placeOfGrants(u.Grants), After: u})
}

// placeOfGrants places an account in the audit log by its first grant.
func placeOfGrants(gs []auth.Grant) auth.Place {
	if len(gs) == 0 {
		return auth.Place{}
	}
	return gs[0].Place()
}

// SetPassword replaces an account's password, clears its lock and ends its sessions.
func (tx *Tx) SetPassword(ctx context.Context, u auth.User, hash string, mustChange bool, action string) error {
	if _, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL,
		password_changed_at = ? WHERE id = ?`, hash, mustChange, tx.now, u.ID); err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
		return fmt.Errorf("store: end sessions: %w", err)
	}
	if _, err := tx.exec(ctx, "DELETE FROM login_throttle WHERE key = ?", accountKey(u.ID)); err != nil {
		return fmt.Errorf("store: clear throttle: %w", err)
	}
	return tx.record(ctx, Change{Action: action, Entity: "user", EntityID: u.ID, Place: placeOfGrants(u.Grants),
		After: map[string]any{"must_change_password": mustChange}})
}

// SetLang stores an account's language.
func (tx *Tx) SetLang(ctx context.Context, u auth.User, lang string) error {
	if _, err := tx.exec(ctx, "UPDATE users SET lang = ? WHERE id = ?", lang, u.ID); err != nil {
		return fmt.Errorf("store: set language: %w", err)
	}
	return tx.record(ctx, Change{Action: "user.language", Entity: "user", EntityID: u.ID, Place: placeOfGrants(u.Grants),
		Before: map[string]string{"lang": u.Lang}, After: map[string]string{"lang": lang}})
}

// AccountFilter narrows the accounts listed.
type AccountFilter struct {
	Scope  auth.Scope
	Limit  int
	Offset int
}

// ListUsers returns the accounts that hold at least one grant inside the scope, by name.
func (db *DB) ListUsers(ctx context.Context, f AccountFilter) ([]auth.User, error) {
	where, args := scopeWhere(f.Scope, scopeColumns{province: "g.province_code", commune: "g.commune_code", village: "g.village_id",
		workUnit: "g.work_unit_id", provider: "g.provider_id", citizen: "g.citizen_id"})
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := "SELECT " + userColumns + " FROM users u WHERE u.id IN (SELECT g.user_id FROM grants g WHERE " + where + ") ORDER BY u.display_name, u.id LIMIT ? OFFSET ?"
	rows, err := db.r().query(ctx, q, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Grants, err = db.grants(ctx, db.r(), out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CountUsers counts all accounts (for the administrator's home page and the first-run check).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.r().queryRow(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// Session is a signed-in browser.
type Session struct {
	UserID    int64
	ExpiresAt time.Time
}

// CreateSession stores a session under the hash of its token.
func (tx *Tx) CreateSession(ctx context.Context, tokenHash string, userID int64, ttl time.Duration, ip, ua string) error {
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := tx.exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)",
		tokenHash, userID, tx.now, tx.now.Add(ttl), ip, ua)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionUser returns the active account behind a session token hash.
func (db *DB) SessionUser(ctx context.Context, tokenHash string) (auth.User, error) {
	u, err := scanUser(db.r().queryRow(ctx, "SELECT "+userColumns+" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active",
		tokenHash, db.Now()))
	if err != nil {
		return u, err
	}
	u.Grants, err = db.grants(ctx, db.r(), u.ID)
	return u, err
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash)
	return err
}

func accountKey(id int64) string { return fmt.Sprintf("account:%d", id) }

// AddressKey is the throttle key of a client address.
func AddressKey(ip string) string { return "address:" + ip }

// AccountKey is the throttle key of an account.
func AccountKey(id int64) string { return accountKey(id) }

// LockedUntil returns when the throttle key unlocks, or the zero time.
func (db *DB) LockedUntil(ctx context.Context, key string) (time.Time, error) {
	var t sql.NullTime
	err := db.r().queryRow(ctx, "SELECT locked_until FROM login_throttle WHERE key = ?", key).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) || !t.Valid {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: throttle: %w", err)
	}
	return t.Time.UTC(), nil
}

// CountFailure adds a failed login to a throttle key and locks it once it reaches max within
// the window. It returns when the key is locked until (zero if not locked).
func (tx *Tx) CountFailure(ctx context.Context, key string, max int, window, lockFor time.Duration) (time.Time, error) {
	var failures int
	var start time.Time
	err := tx.queryRow(ctx, "SELECT failures, window_start FROM login_throttle WHERE key = ?"+tx.d.forUpdate(), key).Scan(&failures, &start)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		failures, start = 0, tx.now
		if _, err := tx.exec(ctx, "INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 0, ?)", key, tx.now); err != nil {
			return time.Time{}, fmt.Errorf("store: throttle: %w", err)
		}
	case err != nil:
		return time.Time{}, fmt.Errorf("store: throttle: %w", err)
	}
	if tx.now.Sub(start) > window {
		failures, start = 0, tx.now
	}
	failures++
	var locked any
	var until time.Time
	if failures >= max {
		until = tx.now.Add(lockFor)
		locked = until
		failures = 0
		start = tx.now
	}
	if _, err := tx.exec(ctx, "UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ? WHERE key = ?", failures, start, locked, key); err != nil {
		return time.Time{}, fmt.Errorf("store: throttle: %w", err)
	}
	return until, nil
}

// ClearFailures forgets the failures of a key after a successful login.
func (tx *Tx) ClearFailures(ctx context.Context, key string) error {
	_, err := tx.exec(ctx, "DELETE FROM login_throttle WHERE key = ? AND (locked_until IS NULL OR locked_until <= ?)", key, tx.now)
	return err
}

// RecordLogin writes a sign-in or a refused sign-in into the audit log.
func (tx *Tx) RecordLogin(ctx context.Context, u auth.User, action string) error {
	return tx.record(ctx, Change{Action: action, Entity: "user", EntityID: u.ID, Place: placeOfGrants(u.Grants)})
}

// CreatePasswordReset stores a one-time reset link's token hash for an account.
func (tx *Tx) CreatePasswordReset(ctx context.Context, tokenHash string, u auth.User, by int64, ttl time.Duration) error {
	if _, err := tx.exec(ctx, "INSERT INTO password_resets (token_hash, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		tokenHash, u.ID, nullInt(by), tx.now, tx.now.Add(ttl)); err != nil {
		return fmt.Errorf("store: create reset: %w", err)
	}
	return tx.record(ctx, Change{Action: "user.reset_link", Entity: "user", EntityID: u.ID, Place: placeOfGrants(u.Grants)})
}

// TakePasswordReset marks a reset link used and returns its account; an unknown, used or
// expired link is ErrNotFound.
func (tx *Tx) TakePasswordReset(ctx context.Context, tokenHash string) (int64, error) {
	var userID int64
	var expires time.Time
	var used sql.NullTime
	err := tx.queryRow(ctx, "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?"+tx.d.forUpdate(), tokenHash).Scan(&userID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) || used.Valid || (err == nil && !expires.After(tx.now)) {
		return 0, fault.New(fault.NotFound, "reset.invalid")
	}
	if err != nil {
		return 0, fmt.Errorf("store: reset: %w", err)
	}
	if _, err := tx.exec(ctx, "UPDATE password_resets SET used_at = ? WHERE token_hash = ?", tx.now, tokenHash); err != nil {
		return 0, fmt.Errorf("store: reset: %w", err)
	}
	return userID, nil
}

// PasswordResetValid tells whether a reset link can still be used, without using it.
func (db *DB) PasswordResetValid(ctx context.Context, tokenHash string) bool {
	var n int
	err := db.r().queryRow(ctx, "SELECT count(*) FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, db.Now()).Scan(&n)
	return err == nil && n == 1
}
