// Package fault defines the kinds of error the domain returns, so that one place
// (the web layer or the CLI) can turn them into a status and a message in the user's language.
package fault

import (
	"errors"
	"fmt"
)

// Kind says what sort of failure an error is; the web layer maps each kind to one HTTP status.
type Kind int

// The kinds of error. Only Internal, Unavailable and StorageFull errors are logged, as faults of
// the system rather than of the request.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Unauthorized
	Forbidden
	Locked
	// Unavailable: the database cannot be reached (stopped, restarting, out of connections);
	// the same request may succeed shortly.
	Unavailable
	// StorageFull: the server's disk has no room left for a write; nothing was written.
	StorageFull
)

// Error is a domain error with a translation key, so it can be shown in Vietnamese or English.
type Error struct {
	Kind  Kind
	Key   string // message catalog key, e.g. "village.name.required"
	Field string // the form field it concerns, "" for the whole form
	Args  []any  // values substituted into the message
	Err   error  // the cause, if any
}

func (e *Error) Error() string {
	msg := e.Key
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if len(e.Args) > 0 {
		msg += fmt.Sprint(e.Args...)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind k with catalog key key.
func New(k Kind, key string, args ...any) *Error { return &Error{Kind: k, Key: key, Args: args} }

// Field returns an Invalid error attached to a form field.
func Field(field, key string, args ...any) *Error {
	return &Error{Kind: Invalid, Key: key, Field: field, Args: args}
}

// ErrNotFound is returned by stores when a row does not exist; it is never nil, nil.
var ErrNotFound = &Error{Kind: NotFound, Key: "error.not_found"}

// ErrForbidden is returned when the principal's grants do not cover a resource.
var ErrForbidden = &Error{Kind: Forbidden, Key: "error.forbidden"}

// KindOf returns the kind of err; errors that are not *Error are Internal.
func KindOf(err error) Kind {
	var es Errors
	if errors.As(err, &es) {
		return Invalid
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return Internal
}

// As returns err as *Error when it is one.
func As(err error) (*Error, bool) {
	var fe *Error
	ok := errors.As(err, &fe)
	return fe, ok
}

// Errors collects field errors of one form so that all of them are shown at once.
type Errors []*Error

// Add appends a field error.
func (es *Errors) Add(field, key string, args ...any) { *es = append(*es, Field(field, key, args...)) }

// Err returns the collection as an error, or nil when empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

func (es Errors) Error() string {
	s := ""
	for i, e := range es {
		if i > 0 {
			s += "; "
		}
		s += e.Error()
	}
	return s
}

// FieldErrors returns the per-field errors carried by err (a single *Error or Errors).
func FieldErrors(err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	if fe, ok := As(err); ok && fe.Field != "" {
		return Errors{fe}
	}
	return nil
}

// Key is a message argument that is itself a catalog key, translated in place: a value such as
// a gender code reads as "nam" or "male" in the message, not as "M".
type Key string
