package coro_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// fn adapts a func to Body.
type fn func(c *coro.Coro)

func (f fn) Run(c *coro.Coro) { f(c) }

func TestResumeRunsUntilSuspendAndSuspendReturnsAtNextResume(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	var trace []string
	c := p.Get(fn(func(c *coro.Coro) {
		trace = append(trace, "start")
		c.Suspend()
		trace = append(trace, "second")
		c.Suspend()
		trace = append(trace, "end")
	}))
	if len(trace) != 0 {
		t.Fatalf("Get ran the body: %v", trace)
	}
	for i, want := range []string{"start", "second"} {
		if c.Resume() {
			t.Fatalf("resume %d: body ended early", i)
		}
		if got := trace[len(trace)-1]; got != want {
			t.Fatalf("resume %d: body at %q, want %q", i, got, want)
		}
	}
	if !c.Resume() {
		t.Fatal("last resume: body did not end")
	}
	if v := c.End(p); v != nil {
		t.Fatalf("End = %v, want nil", v)
	}
	if got := strings.Join(trace, ","); got != "start,second,end" {
		t.Fatalf("trace = %s", got)
	}
}

func TestEndedCoroIsReusedWithItsGoroutine(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	c1 := p.Get(fn(func(*coro.Coro) {}))
	c1.Resume()
	c1.End(p)
	if p.Idle() != 1 {
		t.Fatalf("Idle = %d after one ended body, want 1", p.Idle())
	}
	g1 := c1.G()
	c2 := p.Get(fn(func(*coro.Coro) {}))
	if c2 != c1 {
		t.Fatal("Get did not reuse the idle Coro")
	}
	if !c2.Resume() {
		t.Fatal("second body did not end")
	}
	// The same goroutine ran it: comparing identities, not counts, which
	// another test's goroutine still exiting or a runtime goroutine
	// starting would move.
	if g := c2.G(); g != g1 {
		t.Fatalf("the reused body ran on goroutine %#x, the first on %#x", g, g1)
	}
	c2.End(p)
}

func TestPanicInBodyIsHandedToEndAndCoroSurvives(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	type boom struct{ n int }
	c := p.Get(fn(func(c *coro.Coro) {
		c.Suspend()
		panic(boom{7})
	}))
	c.Resume()
	if !c.Resume() {
		t.Fatal("panicking body did not end")
	}
	if got := c.End(p); got != (boom{7}) {
		t.Fatalf("End = %#v, want boom{7}", got)
	}
	ran := false
	c2 := p.Get(fn(func(*coro.Coro) { ran = true }))
	if c2 != c {
		t.Fatal("Coro of a panicked body was not reused")
	}
	c2.Resume()
	c2.End(p)
	if !ran {
		t.Fatal("body after a panic did not run")
	}
}

func TestKillUnwindsSuspendedBodyEvenIfItSuspendsAgain(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	var deferred, recovered int
	c := p.Get(fn(func(c *coro.Coro) {
		defer func() { deferred++ }()
		func() {
			defer func() {
				if r := recover(); r != nil {
					recovered++
				}
			}()
			c.Suspend()
		}()
		c.Suspend() // a stubborn body: suspends again after recovering
		t.Error("Suspend returned after Kill")
	}))
	c.Resume()
	// The body's goroutine is found by its frames, not by a count of
	// goroutines, which another test's goroutine still exiting or a
	// runtime goroutine starting would move (a fresh clone's CI run saw
	// the count unchanged).
	const body = "TestKillUnwindsSuspendedBodyEvenIfItSuspendsAgain.func"
	if n := goroutinesIn(body); n != 1 {
		t.Fatalf("%d goroutines run the body before Kill, want 1", n)
	}
	if got := c.Kill(); got != nil {
		t.Fatalf("Kill = %v, want nil", got)
	}
	if deferred != 1 || recovered != 1 {
		t.Fatalf("deferred=%d recovered=%d, want 1 and 1", deferred, recovered)
	}
	if n := goroutinesIn(body); n != 0 {
		t.Fatalf("%d goroutines still run the body after Kill: Kill must end the Coro's goroutine", n)
	}
	if p.Idle() != 0 {
		t.Fatal("a killed Coro went back to the pool")
	}
}

func TestKillReportsPanicRaisedWhileUnwinding(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	c := p.Get(fn(func(c *coro.Coro) {
		defer panic("cleanup failed")
		c.Suspend()
	}))
	c.Resume()
	if got := c.Kill(); got != "cleanup failed" {
		t.Fatalf("Kill = %v, want the cleanup's panic", got)
	}
}

func TestPoolIsBoundedAndDrainEndsIdleGoroutines(t *testing.T) {
	p := coro.NewPool(2)
	base := runtime.NumGoroutine()
	var cs []*coro.Coro
	for range 5 {
		c := p.Get(fn(func(c *coro.Coro) { c.Suspend() }))
		c.Resume()
		cs = append(cs, c)
	}
	if got := runtime.NumGoroutine() - base; got > 5 {
		t.Fatalf("%d goroutines for 5 suspended bodies", got)
	}
	for _, c := range cs {
		c.Resume()
		c.End(p)
	}
	// Two in the list and one in the fast slot; the others ended.
	if p.Idle() != 3 {
		t.Fatalf("Idle = %d, want 3 (bound 2 plus the fast slot)", p.Idle())
	}
	if got := runtime.NumGoroutine() - base; got > 3 {
		t.Fatalf("%d goroutines left beyond the pool's bound", got)
	}
	p.Drain()
	if p.Idle() != 0 || runtime.NumGoroutine() > base {
		t.Fatalf("after Drain: Idle=%d, goroutines %d (base %d)", p.Idle(), runtime.NumGoroutine(), base)
	}
}

func TestZeroSizePoolKeepsNothing(t *testing.T) {
	p := coro.NewPool(0)
	base := runtime.NumGoroutine()
	c := p.Get(fn(func(*coro.Coro) {}))
	c.Resume()
	c.End(p)
	if p.Idle() != 0 || runtime.NumGoroutine() > base {
		t.Fatalf("Idle=%d goroutines=%d base=%d", p.Idle(), runtime.NumGoroutine(), base)
	}
}

func TestGoexitInBodyEndsTheBodyNotTheResumer(t *testing.T) {
	for _, local := range []bool{false, true} {
		p := coro.NewPool(4)
		if local {
			p = coro.NewLocalPool(4)
		}
		base := runtime.NumGoroutine()
		deferred := false
		c := p.Get(fn(func(c *coro.Coro) {
			defer func() { deferred = true }()
			c.Suspend()
			runtime.Goexit()
		}))
		c.Resume()
		if ended := c.Resume(); !ended {
			t.Fatalf("local %v: Resume did not report the end of a body that called Goexit", local)
		}
		if !deferred {
			t.Errorf("local %v: the body's deferred call did not run", local)
		}
		if got := c.End(p); got != coro.Goexit {
			t.Errorf("local %v: End = %v, want Goexit", local, got)
		}
		if p.Idle() != 0 {
			t.Errorf("local %v: the Coro of a body that called Goexit went back to the pool", local)
		}
		// The goroutine that let the Goexit finish is still ending
		// when End returns.
		for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > base && time.Now().Before(deadline); {
			runtime.Gosched()
		}
		if n := runtime.NumGoroutine(); n > base {
			t.Errorf("local %v: %d goroutines after End, %d before the body: its goroutine is left", local, n, base)
		}
		p.Drain()
	}
}

func TestGoexitWhileKilledEndsTheBodyNotTheKiller(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	c := p.Get(fn(func(c *coro.Coro) {
		defer runtime.Goexit()
		c.Suspend()
	}))
	c.Resume()
	if got := c.Kill(); got != coro.Goexit {
		t.Fatalf("Kill = %v, want Goexit", got)
	}
}

func TestResumeFromAnotherGoroutineOneAfterAnother(t *testing.T) {
	p := coro.NewPool(4)
	defer p.Drain()
	n := 0
	c := p.Get(fn(func(c *coro.Coro) {
		for range 3 {
			n++
			c.Suspend()
		}
	}))
	for range 3 {
		done := make(chan bool)
		go func() { done <- c.Resume() }()
		if <-done {
			t.Fatal("ended early")
		}
	}
	if !c.Resume() || n != 3 {
		t.Fatalf("n = %d", n)
	}
	c.End(p)
}

func TestMisusePanicsWithPrefixedMessage(t *testing.T) {
	for name, f := range map[string]func(){
		"NewPool with a negative size": func() { coro.NewPool(-1) },
		"Get with a nil body":          func() { coro.NewPool(1).Get(nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r, _ := recover().(string)
				if !strings.HasPrefix(r, "coro: ") {
					t.Fatalf("panic %q, want a coro: message", r)
				}
			}()
			f()
		})
	}
}

// A local pool's Coros share one body function that finds its Coro as the
// one Get made last: several live at once, suspended in turn, each runs its
// own body, and ended ones are reused.
func TestLocalPoolCorosRunTheirOwnBodiesAndAreReused(t *testing.T) {
	p := coro.NewLocalPool(4)
	defer p.Drain()
	var trace []string
	body := func(name string) coro.Body {
		return fn(func(c *coro.Coro) {
			trace = append(trace, name+" 1")
			c.Suspend()
			trace = append(trace, name+" 2")
		})
	}
	a := p.Get(body("a"))
	a.Resume()
	b := p.Get(body("b"))
	b.Resume()
	if !b.Resume() || !a.Resume() {
		t.Fatal("the bodies did not end")
	}
	ga, gb := a.G(), b.G()
	a.End(p)
	b.End(p)
	if got := strings.Join(trace, ","); got != "a 1,b 1,b 2,a 2" {
		t.Fatalf("trace = %s", got)
	}
	c := p.Get(body("c"))
	if c.Resume(); c.G() != gb && c.G() != ga {
		t.Error("the next Get did not reuse an ended Coro's goroutine")
	}
	c.Resume()
	c.End(p)
}

func TestLocalPoolGetBeforeTheNewCoroStartedPanics(t *testing.T) {
	p := coro.NewLocalPool(4)
	defer p.Drain()
	first := p.Get(fn(func(*coro.Coro) {}))
	defer func() {
		r, _ := recover().(string)
		if !strings.HasPrefix(r, "coro: ") {
			t.Errorf("second Get: panic %q, want a coro: message", r)
		}
		if !first.Resume() {
			t.Error("the first Coro did not run its body")
		}
		first.End(p)
	}()
	p.Get(fn(func(*coro.Coro) {}))
}

func BenchmarkStartEnd(b *testing.B) {
	p := coro.NewPool(4)
	defer p.Drain()
	body := fn(func(*coro.Coro) {})
	b.ReportAllocs()
	for b.Loop() {
		c := p.Get(body)
		c.Resume()
		c.End(p)
	}
}

func BenchmarkSuspendResume(b *testing.B) {
	p := coro.NewPool(4)
	defer p.Drain()
	stop := false
	c := p.Get(fn(func(c *coro.Coro) {
		for !stop {
			c.Suspend()
		}
	}))
	b.ReportAllocs()
	for b.Loop() {
		c.Resume()
	}
	stop = true
	c.Resume()
	c.End(p)
}

func TestTrimKeepsTheMostRecentAndEndsTheRest(t *testing.T) {
	for _, local := range []bool{false, true} {
		p := coro.NewPool(8)
		if local {
			p = coro.NewLocalPool(8)
		}
		var cs []*coro.Coro
		for range 5 {
			c := p.Get(fn(func(c *coro.Coro) { c.Suspend() }))
			c.Resume()
			cs = append(cs, c)
		}
		for _, c := range cs {
			c.Resume()
			c.End(p)
		}
		p.Trim(2)
		want := 2
		if !local {
			want = 3 // the shared pool's fast slot is not trimmed
		}
		if got := p.Idle(); got != want {
			t.Errorf("local=%v: Idle = %d after Trim(2), want %d", local, got, want)
		}
		p.Drain()
	}
}

func TestFullLocalPoolKeepsTheGoroutineThatRanLast(t *testing.T) {
	// A loop names the goroutine of the coroutine that ran last in its
	// thread check; were it to end, the runtime could give its identity to
	// an unrelated goroutine.
	p := coro.NewLocalPool(1)
	defer p.Drain()
	body := fn(func(c *coro.Coro) { c.Suspend() })
	a := p.Get(body)
	a.Resume()
	b := p.Get(body)
	b.Resume()
	a.Resume()
	a.End(p)
	b.Resume()
	gb := b.G()
	b.End(p) // the pool is full: a's goroutine ends, not b's
	c := p.Get(body)
	if c != b || c.G() != gb {
		t.Error("the full pool ended the goroutine of the Coro that ended last")
	}
	c.Resume()
	c.Resume()
	c.End(p)
}

// goroutinesIn counts the goroutines that have a frame of a function whose
// name contains fn on their stack.
func goroutinesIn(fn string) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, fn) {
			count++
		}
	}
	return count
}
