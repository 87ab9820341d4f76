// Package account is the service behind signing in and out, passwords, and the accounts that
// officers create for the people under them. The web pages and the command line both call it.
package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// Service signs people in and manages accounts.
type Service struct {
	DB         *store.DB
	Throttle   auth.Throttle
	SessionTTL time.Duration
	ResetTTL   time.Duration
}

// New returns a service with the default rules.
func New(db *store.DB) *Service {
	return &Service{DB: db, Throttle: auth.DefaultThrottle, SessionTTL: 12 * time.Hour, ResetTTL: 24 * time.Hour}
}

// HashToken is how a session or reset token is kept: only its hash is stored, so a copy of the
// database does not sign anyone in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Login errors the pages tell apart.
var (
	ErrBadCredentials = fault.New(fault.Unauthorized, "login.failed")
	ErrAccountLocked  = fault.New(fault.Locked, "login.locked")
	ErrAddressLocked  = fault.New(fault.Locked, "login.address_locked")
)

// LockedError says until when a login is refused.
type LockedError struct {
	Err   *fault.Error
	Until time.Time
}

func (e *LockedError) Error() string { return e.Err.Error() + " until " + e.Until.Format(time.RFC3339) }

func (e *LockedError) Unwrap() error { return e.Err }

// Login checks a login and password from an address and returns the new session's token and
// the account. Failures are counted per account and per address; a locked account stays locked
// until its time is up, whatever password is given.
func (s *Service) Login(ctx context.Context, login, password, ip, userAgent string) (string, auth.User, error) {
	if until, err := s.DB.LockedUntil(ctx, store.AddressKey(ip)); err != nil {
		return "", auth.User{}, err
	} else if until.After(s.DB.Now()) {
		return "", auth.User{}, &LockedError{ErrAddressLocked, until}
	}
	kind, norm, ok := auth.ParseLogin(login)
	if !ok || password == "" || utf8.RuneCountInString(password) > auth.MaxPasswordLen {
		return "", auth.User{}, s.fail(ctx, ip, auth.User{})
	}
	u, err := s.DB.UserByLogin(ctx, kind, norm)
	if errors.Is(err, fault.ErrNotFound) {
		// Spend the time a hash check takes, so response time does not tell which logins exist.
		_ = auth.VerifyPassword(dummyHash, password)
		return "", auth.User{}, s.fail(ctx, ip, auth.User{})
	}
	if err != nil {
		return "", auth.User{}, err
	}
	if until, err := s.DB.LockedUntil(ctx, store.AccountKey(u.ID)); err != nil {
		return "", u, err
	} else if until.After(s.DB.Now()) {
		return "", u, &LockedError{ErrAccountLocked, until}
	}
	if err := auth.VerifyPassword(u.PasswordHash, password); err != nil || !u.Active {
		return "", u, s.fail(ctx, ip, u)
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", u, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ClearFailures(ctx, store.AccountKey(u.ID)); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, HashToken(token), u.ID, s.SessionTTL, ip, userAgent); err != nil {
			return err
		}
		return tx.RecordLogin(ctx, u, "user.login")
	})
	return token, u, err
}

// dummyHash is checked against when the login is unknown (its password is random and lost).
var dummyHash = func() string {
	h, err := auth.HashPassword("unknown login, time equaliser")
	if err != nil {
		panic(err)
	}
	return h
}()

// fail counts a failed login against the address and, when known, the account.
func (s *Service) fail(ctx context.Context, ip string, u auth.User) error {
	var accountUntil, addressUntil time.Time
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		addressUntil, err = tx.CountFailure(ctx, store.AddressKey(ip), s.Throttle.AddressMaxFailures, s.Throttle.Window, s.Throttle.LockFor)
		if err != nil {
			return err
		}
		if u.ID == 0 {
			return nil
		}
		accountUntil, err = tx.CountFailure(ctx, store.AccountKey(u.ID), s.Throttle.AccountMaxFailures, s.Throttle.Window, s.Throttle.LockFor)
		if err != nil {
			return err
		}
		action := "user.login_failed"
		if !accountUntil.IsZero() {
			action = "user.locked"
		}
		return tx.RecordLogin(ctx, u, action)
	})
	switch {
	case err != nil:
		return err
	case !accountUntil.IsZero():
		return &LockedError{ErrAccountLocked, accountUntil}
	case !addressUntil.IsZero():
		return &LockedError{ErrAddressLocked, addressUntil}
	}
	return ErrBadCredentials
}

// Principal returns the signed-in account behind a session token.
func (s *Service) Principal(ctx context.Context, token string) (*auth.Principal, auth.User, error) {
	if token == "" {
		return nil, auth.User{}, fault.ErrNotFound
	}
	u, err := s.DB.SessionUser(ctx, HashToken(token))
	if err != nil {
		return nil, u, err
	}
	return &auth.Principal{UserID: u.ID, DisplayName: u.DisplayName, Lang: u.Lang, MustChangePassword: u.MustChangePassword, Grants: u.Grants}, u, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, HashToken(token)) })
}

// ChangePassword replaces the signed-in user's password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, next, confirm string) error {
	u, err := s.DB.User(ctx, userID)
	if err != nil {
		return err
	}
	var es fault.Errors
	if auth.VerifyPassword(u.PasswordHash, current) != nil {
		es.Add("current", "password.current_wrong")
	}
	if key := auth.CheckPasswordRules(next); key != "" {
		es.Add("new", key, auth.MinPasswordLen, auth.MaxPasswordLen)
	} else if next != confirm {
		es.Add("confirm", "password.confirm_mismatch")
	} else if next == current {
		es.Add("new", "password.same_as_current")
	}
	if err := es.Err(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SetPassword(ctx, u, hash, false, "user.password_change") })
}

// SetLanguage stores the user's language ("vi" or "en").
func (s *Service) SetLanguage(ctx context.Context, userID int64, lang string) error {
	if lang != "vi" && lang != "en" {
		return fault.Field("lang", "language.invalid")
	}
	u, err := s.DB.User(ctx, userID)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SetLang(ctx, u, lang) })
}

// NewAccount is what an officer fills in to create an account.
type NewAccount struct {
	DisplayName string
	Login       string
	Password    string // empty: the account gets a reset link instead
	Grant       auth.Grant
	CitizenID   int64
}

// MaxDisplayNameLen bounds an account's name.
const MaxDisplayNameLen = 100

// Create makes an account with one grant, if by may give that grant. by is nil for the command
// line, which may create any account (it runs with the server's own rights).
func (s *Service) Create(ctx context.Context, by *auth.Principal, n NewAccount) (auth.User, error) {
	var es fault.Errors
	n.DisplayName = strings.Join(strings.Fields(n.DisplayName), " ")
	switch l := utf8.RuneCountInString(n.DisplayName); {
	case l == 0:
		es.Add("display_name", "account.display_name.required")
	case l > MaxDisplayNameLen:
		es.Add("display_name", "account.display_name.too_long", MaxDisplayNameLen)
	}
	kind, login, ok := auth.ParseLogin(n.Login)
	if !ok {
		es.Add("login", "account.login.invalid")
	}
	if n.Password != "" {
		if key := auth.CheckPasswordRules(n.Password); key != "" {
			es.Add("password", key, auth.MinPasswordLen, auth.MaxPasswordLen)
		}
	}
	if !n.Grant.Role.Valid() {
		es.Add("role", "account.role.invalid")
	}
	if err := es.Err(); err != nil {
		return auth.User{}, err
	}
	if err := s.completeGrant(ctx, &n.Grant, n.CitizenID); err != nil {
		return auth.User{}, err
	}
	if by != nil && !by.MayGive(n.Grant) {
		return auth.User{}, fault.ErrForbidden
	}
	pw := n.Password
	mustChange := false
	if pw == "" {
		var err error
		if pw, err = auth.NewToken(); err != nil { // a password nobody knows until a reset link sets one
			return auth.User{}, err
		}
		mustChange = true
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return auth.User{}, err
	}
	u := auth.User{DisplayName: n.DisplayName, PasswordHash: hash, Lang: "vi", CitizenID: n.Grant.CitizenID,
		MustChangePassword: mustChange, Grants: []auth.Grant{n.Grant}}
	u.SetLogin(kind, login)
	if by != nil {
		u.CreatedBy = by.UserID
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u) })
	return u, err
}

// completeGrant fills in the province and commune of a grant from the place it names, so that
// scope checks compare like with like; the named village, unit or citizen must exist.
func (s *Service) completeGrant(ctx context.Context, g *auth.Grant, citizenID int64) error {
	switch g.Role.ScopeKind() {
	case auth.ScopeAll:
		*g = auth.Grant{Role: g.Role}
	case auth.ScopeProvince:
		if g.ProvinceCode == "" {
			return fault.Field("scope", "account.scope.required")
		}
		*g = auth.Grant{Role: g.Role, ProvinceCode: g.ProvinceCode}
	case auth.ScopeCommune:
		if g.CommuneCode == "" {
			return fault.Field("scope", "account.scope.required")
		}
		*g = auth.Grant{Role: g.Role, ProvinceCode: g.ProvinceCode, CommuneCode: g.CommuneCode}
	case auth.ScopeVillage:
		v, err := s.DB.Village(ctx, g.VillageID)
		if err != nil {
			return fault.Field("scope", "account.scope.required")
		}
		*g = auth.Grant{Role: g.Role, ProvinceCode: v.ProvinceCode, CommuneCode: v.CommuneCode, VillageID: v.ID}
	case auth.ScopeWorkUnit:
		w, err := s.DB.WorkUnit(ctx, g.WorkUnitID)
		if err != nil {
			return fault.Field("scope", "account.scope.required")
		}
		*g = auth.Grant{Role: g.Role, ProvinceCode: w.ProvinceCode, CommuneCode: w.CommuneCode, WorkUnitID: w.ID}
	case auth.ScopeProvider:
		p, err := s.DB.Provider(ctx, g.ProviderID)
		if err != nil {
			return fault.Field("scope", "account.scope.required")
		}
		*g = auth.Grant{Role: g.Role, ProvinceCode: p.ProvinceCode, CommuneCode: p.CommuneCode, ProviderID: p.ID}
	case auth.ScopeCitizen:
		if citizenID == 0 {
			citizenID = g.CitizenID
		}
		c, err := s.DB.Citizen(ctx, citizenID)
		if err != nil {
			return fault.Field("scope", "account.scope.required")
		}
		*g = auth.Grant{Role: g.Role, ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, VillageID: c.VillageID,
			WorkUnitID: c.WorkUnitID, CitizenID: c.ID}
	}
	return nil
}

// ResetLink creates a one-time link that lets the account's holder choose a new password. The
// officer must be above the account. The link is returned once and shown to the officer,
// because the holder may have no email.
func (s *Service) ResetLink(ctx context.Context, by *auth.Principal, userID int64) (string, auth.User, error) {
	u, err := s.DB.User(ctx, userID)
	if err != nil {
		return "", u, err
	}
	if by != nil && (!by.MayManage(u.Grants) || by.UserID == u.ID) {
		return "", u, fault.ErrForbidden
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", u, err
	}
	var byID int64
	if by != nil {
		byID = by.UserID
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreatePasswordReset(ctx, HashToken(token), u, byID, s.ResetTTL) })
	return token, u, err
}

// ResetValid tells whether a reset link may still be used.
func (s *Service) ResetValid(ctx context.Context, token string) bool {
	return s.DB.PasswordResetValid(ctx, HashToken(token))
}

// UseReset sets a new password through a one-time link; the link is then spent.
func (s *Service) UseReset(ctx context.Context, token, next, confirm string) error {
	var es fault.Errors
	if key := auth.CheckPasswordRules(next); key != "" {
		es.Add("new", key, auth.MinPasswordLen, auth.MaxPasswordLen)
	} else if next != confirm {
		es.Add("confirm", "password.confirm_mismatch")
	}
	if err := es.Err(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		userID, err := tx.TakePasswordReset(ctx, HashToken(token))
		if err != nil {
			return err
		}
		u, err := s.DB.User(ctx, userID)
		if err != nil {
			return fmt.Errorf("account: reset: %w", err)
		}
		return tx.SetPassword(ctx, u, hash, false, "user.password_reset")
	})
}
