package auth

import "time"

// User is an account. A person may have several login identifiers; at least one is set.
type User struct {
	ID                 int64
	DisplayName        string
	Phone              string
	Email              string
	NationalID         string
	PasswordHash       string `json:"-"` // never in the audit log
	Lang               string
	CitizenID          int64
	Active             bool
	MustChangePassword bool
	FailedLogins       int
	LockedUntil        time.Time // zero when not locked
	CreatedBy          int64
	CreatedAt          time.Time
	Grants             []Grant `json:",omitempty"`
}

// Login returns the identifier to show for the account: phone, then email, then ID.
func (u User) Login() string {
	switch {
	case u.Phone != "":
		return u.Phone
	case u.Email != "":
		return u.Email
	}
	return u.NationalID
}

// SetLogin stores a parsed identifier in the matching field.
func (u *User) SetLogin(kind LoginKind, v string) {
	switch kind {
	case LoginPhone:
		u.Phone = v
	case LoginEmail:
		u.Email = v
	case LoginNationalID:
		u.NationalID = v
	}
}

// Throttle is the rule for failed logins, per account and per address: after MaxFailures
// within Window the key is locked for LockFor. It is configuration, not code.
type Throttle struct {
	AccountMaxFailures int
	AddressMaxFailures int
	Window             time.Duration
	LockFor            time.Duration
}

// DefaultThrottle locks an account after 5 failures in 15 minutes and an address after 30.
var DefaultThrottle = Throttle{AccountMaxFailures: 5, AddressMaxFailures: 30, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
