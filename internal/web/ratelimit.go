package web

import (
	"sync"
	"time"
)

// verifyPerMinute is how many certificate look-ups one address may make a minute: plenty for
// people scanning codes, too few to walk the code space.
const verifyPerMinute = 30

// rateLimiter counts requests per key in fixed windows. It keeps one small entry per active
// address and forgets them when their window is over.
type rateLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	now    func() time.Time
	hits   map[string]*windowCount
}

type windowCount struct {
	start time.Time
	n     int
}

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, now: time.Now, hits: map[string]*windowCount{}}
}

// allow records one request of key and tells whether it is within the limit.
func (l *rateLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.hits) > 10000 { // forget finished windows before the map grows
		for k, c := range l.hits {
			if now.Sub(c.start) >= l.window {
				delete(l.hits, k)
			}
		}
	}
	c, ok := l.hits[key]
	if !ok || now.Sub(c.start) >= l.window {
		l.hits[key] = &windowCount{start: now, n: 1}
		return true
	}
	c.n++
	return c.n <= l.limit
}
