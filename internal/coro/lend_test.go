package coro_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/goid"
)

func TestResumeFromLendsTheThreadToTheBodyAndTakesItBack(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("no goroutine identity on " + runtime.GOARCH)
	}
	me := goid.G()
	var slot, other atomic.Uintptr
	slot.Store(me)
	other.Store(1) // another loop's thread: never lent by this goroutine
	defer coro.AddThread(&slot)()
	defer coro.AddThread(&other)()
	p := coro.NewPool(2)
	defer p.Drain()
	var seen []uintptr
	body := fn(func(c *coro.Coro) {
		seen = append(seen, slot.Load(), goid.G())
		c.Suspend()
		seen = append(seen, slot.Load(), goid.G())
	})
	for round := range 2 { // a new goroutine, then a reused one
		seen = nil
		c := p.Get(body)
		c.ResumeFrom()
		if slot.Load() != me {
			t.Fatalf("round %d: after the resume the slot names %#x, want the resumer", round, slot.Load())
		}
		if !c.ResumeFrom() {
			t.Fatalf("round %d: body did not end", round)
		}
		c.End(p)
		if seen[0] != seen[1] || seen[2] != seen[3] || seen[0] == me || slot.Load() != me || other.Load() != 1 {
			t.Fatalf("round %d: the body saw the slot %#x on %#x, then %#x on %#x; now %#x (resumer %#x), other %#x",
				round, seen[0], seen[1], seen[2], seen[3], slot.Load(), me, other.Load())
		}
	}
}

func TestResumeFromANonThreadLendsNothing(t *testing.T) {
	var slot atomic.Uintptr
	slot.Store(1) // names no goroutine of this test
	defer coro.AddThread(&slot)()
	p := coro.NewPool(1)
	defer p.Drain()
	c := p.Get(fn(func(c *coro.Coro) {}))
	if !c.ResumeFrom() {
		t.Fatal("body did not end")
	}
	c.End(p)
	if slot.Load() != 1 {
		t.Fatalf("slot changed to %#x", slot.Load())
	}
	if coro.Threads.Load() != 1 {
		t.Fatalf("Threads = %d, want 1", coro.Threads.Load())
	}
}

// Lend is ResumeFrom's first half, for a resumer that calls Next itself:
// the slot it returns is the one to give back, nil off a thread.
func TestLendReturnsTheSlotToGiveBackAndNilOffAThread(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("no goroutine identity on " + runtime.GOARCH)
	}
	var slot atomic.Uintptr
	p := coro.NewPool(1)
	defer p.Drain()
	var seen uintptr
	c := p.Get(fn(func(c *coro.Coro) {
		c.Suspend()
		seen = slot.Load()
	}))
	c.ResumeFrom() // start it: Lend lends to a started body only
	defer coro.AddThread(&slot)()
	if got := c.Lend(); got != nil {
		t.Fatalf("Lend off the thread returned %p, want nil", got)
	}
	c.Next()
	if seen != 0 {
		t.Fatalf("the body saw the slot %#x, want 0 (not lent)", seen)
	}
	c.End(p)

	me := goid.G()
	slot.Store(me)
	c = p.Get(fn(func(c *coro.Coro) {
		c.Suspend()
		seen = slot.Load()
	}))
	c.ResumeFrom()
	got := c.Lend()
	if got != &slot || c.Resumer != me {
		t.Fatalf("Lend on the thread returned %p with Resumer %#x, want %p and %#x", got, c.Resumer, &slot, me)
	}
	c.Next()
	got.Store(c.Resumer)
	if seen != c.G() || slot.Load() != me {
		t.Fatalf("the body saw the slot %#x (its goroutine %#x); after, %#x (resumer %#x)", seen, c.G(), slot.Load(), me)
	}
	c.End(p)
}
