// Package clock gives the time of day through an interface so that tests can set it.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current instant. Production code takes one instead of calling time.Now.
type Clock interface {
	Now() time.Time
}

// System is the real clock, in UTC.
type System struct{}

// Now returns the current instant in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Fixed is a clock that tests move by hand.
type Fixed struct {
	mu  sync.Mutex
	now time.Time
}

// NewFixed returns a clock stopped at t.
func NewFixed(t time.Time) *Fixed { return &Fixed{now: t.UTC()} }

// Now returns the clock's instant.
func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d.
func (f *Fixed) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Vietnam is the zone in which instants are shown (DESIGN §5: stored in UTC, shown in Asia/Ho_Chi_Minh).
// Vietnam has had no daylight saving since 1975, so a fixed zone is exact and needs no tzdata.
var Vietnam = time.FixedZone("ICT", 7*60*60)
