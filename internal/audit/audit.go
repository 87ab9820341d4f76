// Package audit defines the entries of the append-only, hash-chained audit log and the pure
// rules that chain and check them. The store appends an entry in the same transaction as every
// write; `hoctap audit verify` recomputes the chain.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Actor is who causes a write: a signed-in user from an address, or the command line.
type Actor struct {
	UserID    int64  // 0 for the command line or an anonymous request (a password reset link)
	Name      string // login or "cli"
	IP        string
	RequestID string
}

type actorKey struct{}

// WithActor returns a context that carries the actor of the writes made under it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or the anonymous "system" actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: "system"}
}

// Entry is one line of the audit log.
type Entry struct {
	ID           int64
	At           time.Time
	ActorUserID  int64
	Actor        string
	IP           string
	RequestID    string
	Action       string // e.g. "village.create", "user.password_reset"
	Entity       string // e.g. "village"
	EntityID     string
	ProvinceCode string
	CommuneCode  string
	Before       string // JSON of the values before the change, "" for a creation
	After        string // JSON of the values after the change, "" for a deletion
	PrevHash     string
	Hash         string
}

// Snapshot encodes a value as the JSON kept in Before/After. Values are the domain's own
// structs; their secret fields (password hashes) carry `json:"-"`.
func Snapshot(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// ComputeHash returns the entry's hash: SHA-256 over the previous hash and every field, each
// length-prefixed so that no two different entries give the same input.
func ComputeHash(e Entry) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(e.PrevHash)
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.ActorUserID, 10))
	field(e.Actor)
	field(e.IP)
	field(e.RequestID)
	field(e.Action)
	field(e.Entity)
	field(e.EntityID)
	field(e.ProvinceCode)
	field(e.CommuneCode)
	field(e.Before)
	field(e.After)
	return hex.EncodeToString(h.Sum(nil))
}

// Problem is one break in the chain found by a Verifier.
type Problem struct {
	ID     int64
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("entry %d: %s", p.ID, p.Reason) }

// Verifier walks the chain in id order, one entry at a time, so a log of any length is
// checked in constant memory.
type Verifier struct {
	prevID   int64
	prevHash string
	count    int64
	Problems []Problem
}

// Add checks the next entry against the one before it.
func (v *Verifier) Add(e Entry) {
	v.count++
	var why []string
	if e.ID != v.prevID+1 {
		why = append(why, fmt.Sprintf("expected id %d: entries %d..%d are missing", v.prevID+1, v.prevID+1, e.ID-1))
	}
	if e.PrevHash != v.prevHash {
		why = append(why, "its previous-hash does not match the entry before it")
	}
	if ComputeHash(e) != e.Hash {
		why = append(why, "its content does not match its hash (edited)")
	}
	if len(why) > 0 {
		v.Problems = append(v.Problems, Problem{ID: e.ID, Reason: strings.Join(why, "; ")})
	}
	v.prevID, v.prevHash = e.ID, e.Hash
}

// Finish compares the end of the walk with the recorded head of the chain.
func (v *Verifier) Finish(headID int64, headHash string) {
	if headID != v.prevID || headHash != v.prevHash {
		v.Problems = append(v.Problems, Problem{ID: headID,
			Reason: fmt.Sprintf("the chain ends at entry %d but the recorded head is entry %d: entries at the end were removed or added outside the log", v.prevID, headID)})
	}
}

// Count returns how many entries were checked.
func (v *Verifier) Count() int64 { return v.count }

// LastHash returns the hash of the last entry checked; publish it to detect a rewrite of the whole chain.
func (v *Verifier) LastHash() string { return v.prevHash }
