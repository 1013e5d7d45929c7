package coro

import (
	"sync"
	"sync/atomic"
)

// Pool keeps idle Coros for reuse. It is bounded: a Coro that finishes when
// the pool is full ends its goroutine instead of parking. Drain ends every
// idle one, which returns their stacks and leaves no goroutine behind (leak
// checks call it before they look). The zero Pool is not usable; use NewPool.
// A Pool is safe for use by many goroutines.
type Pool struct {
	local bool // used by one goroutine only: no atomics, no lock
	// A local pool's Coros share one body function, seq, which finds its
	// Coro in starting (see newCoro).
	seq      func(yield func(struct{}) bool)
	starting *Coro
	thread   *atomic.Uintptr // SetThread's

	// hot holds the Coro that ended last: the common pattern is a body that
	// ends just before the next one starts, and one atomic swap serves it
	// where the mutex would cost two atomics each way.
	hot atomic.Pointer[Coro]

	mu   sync.Mutex
	idle []*Coro
	max  int
}

// DefaultSize is the bound of Default.
const DefaultSize = 256

// Default is the pool that package gen uses.
var Default = NewPool(DefaultSize)

// NewLocalPool returns a pool for one goroutine at a time (an event loop's
// thread): Get, ending bodies and Drain must never run concurrently. It
// spares the atomics and the lock that a shared pool needs, and 16 bytes a
// Coro, on one condition: a Coro that Get has just made must get its first
// Resume before Get makes the next one (a Coro taken from the idle ones may
// wait). A local pool of size max > 0 never ends the goroutine of the Coro
// that ended last, unless Trim(0) or Drain asks for it: an event loop keeps
// the identity of the goroutine that ran last for its thread check, and the
// runtime reuses the descriptor (the identity) of a goroutine that ended.
func NewLocalPool(max int) *Pool {
	p := NewPool(max)
	p.local = true
	return p
}

// SetThread makes the goroutine of each new Coro of local pool p store its
// identity (internal/goid) in slot as it starts, before the body runs: an
// event loop's thread, which names the goroutine of the task that runs
// (see AddThread), learns a new coroutine's goroutine that way, without a
// call in every body. It must be called before the first Get.
func (p *Pool) SetThread(slot *atomic.Uintptr) {
	if !p.local {
		panic("coro: SetThread on a shared pool")
	}
	p.thread = slot
}

// NewPool returns a pool that keeps at most max idle Coros (one more in a
// fast slot when max > 0). max < 0 panics.
func NewPool(max int) *Pool {
	if max < 0 {
		panic("coro: NewPool with a negative size")
	}
	return &Pool{max: max}
}

// Get returns a Coro that will run body at its first Resume: an idle one if
// the pool has one, a new one otherwise. The caller must Resume it until it
// ends (or Kill it once it has suspended): a Coro that is dropped unfinished
// keeps its goroutine forever. body == nil panics.
func (p *Pool) Get(body Body) *Coro {
	if body == nil {
		panic("coro: Get with a nil body")
	}
	if p.local {
		if n := len(p.idle); n > 0 {
			c := p.idle[n-1]
			p.idle[n-1] = nil
			p.idle = p.idle[:n-1]
			c.body = body
			return c
		}
		c := newCoro(p)
		c.body = body
		return c
	}
	if c := p.hot.Swap(nil); c != nil {
		c.body = body
		return c
	}
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		c.body = body
		return c
	}
	p.mu.Unlock()
	c := newCoro(p)
	c.body = body
	return c
}

func (p *Pool) put(c *Coro) {
	if p.local {
		switch n := len(p.idle); {
		case n < p.max:
			p.idle = append(p.idle, c)
		case n > 0:
			// Full: another idle Coro's goroutine ends, not the one that
			// ran last, which a loop's thread check still names (see
			// NewLocalPool).
			p.idle[n-1], c = c, p.idle[n-1]
			c.stop()
		default:
			c.stop()
		}
		return
	}
	if p.max > 0 && p.hot.CompareAndSwap(nil, c) {
		return
	}
	p.mu.Lock()
	if len(p.idle) < p.max {
		p.idle = append(p.idle, c)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	c.stop()
}

// Trim ends idle Coros beyond the n most recently used, so that a pool
// sized by a burst gives its memory back once the burst is over.
func (p *Pool) Trim(n int) {
	if p.local {
		if len(p.idle) > n {
			p.trimLocked(n)
		}
		return
	}
	p.mu.Lock()
	var extra []*Coro
	if len(p.idle) > n {
		extra = append(extra, p.idle[:len(p.idle)-n]...)
		kept := copy(p.idle, p.idle[len(p.idle)-n:])
		clear(p.idle[kept:])
		p.idle = p.idle[:kept]
	}
	p.mu.Unlock()
	for _, c := range extra {
		c.stop()
	}
}

// trimLocked is Trim for a local pool, which needs no lock.
func (p *Pool) trimLocked(n int) {
	extra := p.idle[:len(p.idle)-n]
	for _, c := range extra {
		c.stop()
	}
	kept := copy(p.idle, p.idle[len(p.idle)-n:])
	clear(p.idle[kept:])
	p.idle = p.idle[:kept]
}

// Drain ends the goroutine of every idle Coro. Coros that are running a body
// are not affected and come back to the pool as usual when they end.
func (p *Pool) Drain() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	if c := p.hot.Swap(nil); c != nil {
		idle = append(idle, c)
	}
	for _, c := range idle {
		c.stop()
	}
}

// Idle reports how many Coros the pool holds.
func (p *Pool) Idle() int {
	if p.local {
		return len(p.idle)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if p.hot.Load() != nil {
		n++
	}
	return n
}
