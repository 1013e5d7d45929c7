package coro_test

import (
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/goid"
)

// recovering is a Recoverer: it records what Recovered got, and the stack
// at that moment.
type recovering struct {
	run   func(c *coro.Coro)
	got   any
	stack string
}

func (r *recovering) Run(c *coro.Coro) { r.run(c) }

func (r *recovering) Recovered(p any) {
	buf := make([]byte, 1<<14)
	r.got, r.stack = p, string(buf[:runtime.Stack(buf, false)])
}

//go:noinline
func panicsDeepInTheBody(c *coro.Coro) {
	c.Suspend()
	panic("deep")
}

// A Recoverer's panic goes to Recovered while the panicking frames are still
// on the stack; the body then ends as a return does (End gives nil) and the
// Coro is reused, on both kinds of pool.
func TestRecovererTakesThePanicBeforeTheStackUnwinds(t *testing.T) {
	for _, local := range []bool{false, true} {
		p := coro.NewPool(4)
		if local {
			p = coro.NewLocalPool(4)
		}
		r := &recovering{run: panicsDeepInTheBody}
		c := p.Get(r)
		if c.Resume() {
			t.Fatal("the body ended before its panic")
		}
		if !c.Resume() {
			t.Fatal("the panicking body did not end")
		}
		if got := c.End(p); got != nil {
			t.Errorf("local=%v: End = %v, want nil: the Recoverer took the panic", local, got)
		}
		if r.got != "deep" {
			t.Errorf("local=%v: Recovered got %v, want \"deep\"", local, r.got)
		}
		if !strings.Contains(r.stack, "panicsDeepInTheBody") {
			t.Errorf("local=%v: Recovered ran after the panicking frames unwound:\n%s", local, r.stack)
		}
		ran := false
		c2 := p.Get(fn(func(*coro.Coro) { ran = true }))
		if c2 != c {
			t.Errorf("local=%v: the Coro of a recovered body was not reused", local)
		}
		c2.Resume()
		c2.End(p)
		if !ran {
			t.Errorf("local=%v: the body after a recovered panic did not run", local)
		}
		p.Drain()
	}
}

// Killed is the kill's own unwinding, never a panic of the body's: a
// Recoverer does not see it, and Kill ends the body as it would any other.
func TestRecovererDoesNotSeeTheKill(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	r := &recovering{run: func(c *coro.Coro) { c.Suspend() }}
	c := p.Get(r)
	c.Resume()
	if got := c.Kill(); got != nil {
		t.Errorf("Kill = %v, want nil", got)
	}
	if r.got != nil {
		t.Errorf("Recovered got %v from a kill", r.got)
	}
}

// A local pool given a thread slot has each new Coro's goroutine name
// itself there before its first body runs; a reused one does not write it.
func TestSetThreadNamesTheNewGoroutineBeforeTheBody(t *testing.T) {
	if goid.G() == 0 {
		t.Skip("no goroutine identity on this platform")
	}
	var slot atomic.Uintptr
	p := coro.NewLocalPool(4)
	defer p.Drain()
	p.SetThread(&slot)
	var seen, me uintptr
	body := fn(func(*coro.Coro) { seen, me = slot.Load(), goid.G() })
	c := p.Get(body)
	c.Resume()
	c.End(p)
	if seen != me || me == 0 {
		t.Fatalf("the body saw the slot name %#x, its goroutine is %#x", seen, me)
	}
	slot.Store(1)
	c = p.Get(body)
	c.Resume()
	c.End(p)
	if seen != 1 {
		t.Errorf("a reused Coro wrote the slot (%#x)", seen)
	}
}

func TestSetThreadOnASharedPoolPanics(t *testing.T) {
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "coro: ") {
			t.Errorf("panic %q, want a coro: message", r)
		}
	}()
	var slot atomic.Uintptr
	coro.NewPool(1).SetThread(&slot)
}
