// Package coro is aio's one coroutine primitive: a body that runs on a stack
// of its own and trades control with whoever resumes it, never in parallel
// with it.
//
// # Design
//
// The switch is the runtime's coroutine switch, reached through iter.Pull: a
// resume and the matching suspend cost one round trip of that switch and no
// scheduler work. What iter.Pull lacks is reuse: a new iter.Pull costs a new
// goroutine, and every generator or task would pay it. So a Coro's goroutine
// runs bodies in a loop: when a body returns, the goroutine parks waiting for
// the next body and the Coro goes back to its Pool, stack and all. Starting a
// body on a pooled Coro costs a few field writes and one switch.
//
// # Rules
//
//   - A Coro runs one body at a time. Resume runs the body until it calls
//     Suspend or returns; Suspend, called from the body, hands control back to
//     the resumer and returns at the next Resume.
//   - Resume and Kill must not be called from the body itself, nor from two
//     goroutines at once. They may be called from different goroutines over
//     time.
//   - When Resume reports that the body returned or panicked, the caller
//     calls End with the Coro's pool, which takes it back; the caller must
//     not touch it again.
//   - Whoever resumes a body of a shared pool's Coro does it with
//     ResumeFrom, which writes its own goroutine's identity in Resumer
//     first, so that the chain of goroutines that resumed one another down
//     to the running body can be walked (ResumerOf): that is how aio.Run
//     knows that a generator body runs on a loop's thread. ResumeFrom also
//     lends a loop's thread identity to the body (lend.go).
//   - A panic in the body is recovered on the Coro's stack and handed to the
//     resumer as End's result, so the caller can tidy its own state before it
//     panics again with the same value.
//   - runtime.Goexit in a body ends the body as a panic would, with the
//     panic value Goexit: its deferred calls run, Resume reports the end,
//     and End returns Goexit. The resumer decides what the Goexit does to
//     it: gen passes it on to its caller, as iter.Pull's next does; the
//     kernel fails the task. The Coro is not reused.
package coro

import (
	"iter"
	"sync"
	"unsafe"

	"github.com/aio-go/aio/internal/goid"
	"github.com/aio-go/aio/internal/prefetch"
)

// Body is the code a Coro runs. Run may call c.Suspend any number of times.
// Using an interface rather than a func lets a caller pass a pointer it has
// already allocated (a generator's or a task's state) with no closure.
type Body interface {
	Run(c *Coro)
}

// Recoverer is a Body that takes its own panics: a panic of its Run
// (other than Killed) is handed to Recovered, called from the Coro's
// deferred recovery before the panicking frames unwind, and the body then
// ends as if Run had returned; End returns nil. It spares the body a
// deferred recovery of its own, and the frame that comes with it.
type Recoverer interface {
	Body
	Recovered(p any)
}

// Coro is a resumable body on a pooled goroutine. Get one from Pool.Get.
type Coro struct {
	// Next, Finished and Switch are what Resume and Suspend are made
	// of, for a caller whose every nanosecond counts: Resume is
	// `c.Next(); return c.Finished`, and Suspend is
	// `if !c.Switch(struct{}{}) { panic(Killed) }`. Switch is valid only
	// inside the body's run, on the body's goroutine. They are fields
	// because the compiler does not inline this package's methods into a
	// generic function instantiated elsewhere (package gen's): each would
	// cost a call, and gen.Yield would no longer inline. Read them; never
	// write them.
	Next     func() (struct{}, bool)
	Switch   func(struct{}) bool
	Finished bool // the body returned or panicked during this Resume

	// dead is set when the goroutine ends with the body (Kill, Goexit):
	// the Coro never goes back to a pool.
	dead bool
	stop func()

	// body is what runs; once it has panicked, a *panicked holding the
	// panic value for End, which keeps a Coro at 64 bytes.
	body Body

	// Resumer is the identity (internal/goid) of the goroutine that
	// resumed the body now running, written by that goroutine before it
	// calls Next: a plain store, read only down the chain it belongs to
	// (ResumerOf). The kernel, which resumes its tasks only from the
	// loop's goroutine, does not write it.
	Resumer uintptr
	g       uintptr // the goroutine's identity (internal/goid), once started
}

// panicked stands in for a body that panicked, until End.
type panicked struct{ value any }

func (*panicked) Run(*Coro) { panic("coro: internal error: a panicked body resumed") }

// killed is the panic value Suspend uses to unwind a body that is being
// killed. It never leaves this package.
type killed struct{}

func newCoro(p *Pool) *Coro {
	c := &Coro{}
	if p.local {
		// One body function for all the pool's Coros, which finds its
		// Coro in p.starting: a method value c.loop would cost every
		// Coro a 16-byte closure, which a million parked tasks notice.
		if p.starting != nil {
			panic("coro: a local pool's new Coro must be resumed before the next Get makes another")
		}
		if p.seq == nil {
			p.seq = p.startLocal()
		}
		c.Next, c.stop = iter.Pull(p.seq)
		p.starting = c
		return c
	}
	c.Next, c.stop = iter.Pull(c.loop)
	return c
}

// startLocal returns the goroutine of the Coros of local pool p, which a
// Coro's first Resume starts: the Coro is the one Get made last. It is a
// closure, not the method value p.startLocal, whose wrapper was one more
// frame under every task's function: stack that its goroutine holds, and
// that every collection walks, for each of the thousands of coroutines
// that a loop keeps parked or idle. It is not inlined, so that the
// closure's name, which the kernel looks for on a stack where goroutines
// have no identity, stays (*Pool).startLocal.func1.
//
//go:noinline
func (p *Pool) startLocal() func(yield func(struct{}) bool) {
	return func(yield func(struct{}) bool) {
		c := p.starting
		p.starting = nil
		// loop's body, written out: a frame less under every task's
		// function.
		c.Switch, c.g = yield, goid.G()
		if p.thread != nil {
			p.thread.Store(c.g)
		}
		for c.serve() {
		}
	}
}

// loop is the goroutine's whole life: run a body, park until the pool hands
// out the Coro again, repeat. It ends when stop is called on an idle Coro.
// The recover that catches a body's panic is set up once per panic rather
// than once per body: bodies run back to back inside serve, and only a panic
// makes loop enter a new serve. A shared pool's goroutine is registered by
// its identity for the while it lives (ResumerOf).
func (c *Coro) loop(yield func(struct{}) bool) {
	c.Switch, c.g = yield, goid.G()
	if c.g != 0 {
		byG.add(c)
		defer byG.remove(c)
		// A first resume from a loop's thread lends its identity to a
		// goroutine not known before now (ResumeFrom).
		if slot := threadOf(c.Resumer); slot != nil {
			slot.Store(c.g)
		}
	}
	for c.serve() {
	}
}

// byG maps the goroutine of each live Coro of a shared pool to the Coro.
var byG registry

// registry is a plain map under a lock: once the map has grown, a new
// goroutine costs it no allocation, where a sync.Map allocated two entries
// for each (a benchmark with thousands of generators alive was 24% slower).
type registry struct {
	mu sync.Mutex
	m  map[uintptr]*Coro
}

func (r *registry) add(c *Coro) {
	r.mu.Lock()
	if r.m == nil {
		r.m = make(map[uintptr]*Coro)
	}
	r.m[c.g] = c
	r.mu.Unlock()
}

func (r *registry) remove(c *Coro) {
	r.mu.Lock()
	delete(r.m, c.g)
	r.mu.Unlock()
}

func (r *registry) find(g uintptr) *Coro {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[g]
}

// ResumerOf returns the Resumer of the Coro whose goroutine is g, and
// whether g is the goroutine of a shared pool's Coro at all (a local pool's
// are not registered, nor is any other goroutine). It is meaningful only
// for a goroutine that runs a body now: the caller's own, or one blocked
// resuming a body of the caller's chain; then the goroutine it returns is
// blocked resuming g, and the chain can be walked on. ResumerOf is safe for
// use by many goroutines.
func ResumerOf(g uintptr) (resumer uintptr, ok bool) {
	c := byG.find(g)
	if c == nil {
		return 0, false
	}
	return c.Resumer, true
}

// serve runs bodies until one panics (true: serve again) or the Coro is
// stopped while idle (false).
func (c *Coro) serve() (again bool) {
	defer func() {
		if !again {
			return
		}
		p := recover()
		if p == nil {
			// runtime.Goexit. Left to itself, iter.Pull would pass it
			// on to the resumer, which may be a loop that must go on.
			// So the Goexit waits here, halfway, while the resumer sees
			// an end like a panic's; End lets it finish (stopAside).
			c.Finished, c.body = true, &panicked{Goexit}
			c.Switch(struct{}{})
			again = false
			return
		}
		c.Finished = true
		switch r, ok := c.body.(Recoverer); {
		case p == Killed && c.dead:
		case p == Killed:
			// A Killed unwinding a Coro that is not being killed comes
			// from the Suspend of another Coro, one whose identity this
			// body was lent (ResumeFrom) and that is being killed: End
			// passes it on, so that the resumer unwinds too.
			c.body = &panicked{p}
		case ok:
			r.Recovered(p) // the body's end is a return
		default:
			c.body = &panicked{p}
		}
		again = c.Switch(struct{}{})
	}()
	again = true
	for {
		c.body.Run(c)
		c.Finished = true
		if !c.Switch(struct{}{}) {
			again = false
			return
		}
	}
}

// Resume runs the body until it suspends or ends, and reports whether it
// ended. After an end the caller must call End once, and then not use the
// Coro again. Resume is split from End so that it inlines: the switch is the
// whole cost of a resume, and every call level around it adds to it.
func (c *Coro) Resume() (ended bool) {
	c.Next()
	return c.Finished
}

// G returns the identity of the Coro's goroutine (internal/goid), the same
// for every body it runs: 0 before its first Resume, and where goid has no
// support.
func (c *Coro) G() uintptr { return c.g }

// Prefetch starts fetching the first things that resuming c reads: its
// goroutine's descriptor and its switch's closure (package prefetch). A
// Coro that has not started has no goroutine yet.
func (c *Coro) Prefetch() {
	prefetch.Line(c.g)
	prefetch.Line(*(*uintptr)(unsafe.Pointer(&c.Next)))
}

// PrefetchStack starts fetching the top of c's parked goroutine's stack,
// which resuming c returns into. It reads the goroutine's descriptor: call
// it for a Coro whose Prefetch ran a little earlier.
func (c *Coro) PrefetchStack() { prefetch.Stack(c.g) }

// End, called once after Resume reported an end, returns what the body
// panicked with (nil if it returned, Goexit if it called runtime.Goexit) and
// hands the Coro back to p, the pool that Get took it from. After a Goexit
// it ends the Coro's goroutine instead, and the caller's goroutine goes on.
// The pool is the caller's to give because a field for it would make a
// Coro larger than 64 bytes.
func (c *Coro) End(p *Pool) (panicValue any) {
	var v any
	if pb, ok := c.body.(*panicked); ok {
		v = pb.value
	}
	c.Finished, c.body = false, nil
	switch {
	case c.dead: // killed: the goroutine has ended
	case v == Goexit:
		c.dead = true
		c.stopAside()
	default:
		p.put(c)
	}
	return v
}

// stopAside stops the Coro from a goroutine of its own and waits for it.
// When the body has called runtime.Goexit, the goroutine that lets it finish
// is made to exit too (iter.Pull's stop passes the Goexit on): that must not
// be the caller.
func (c *Coro) stopAside() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.stop()
	}()
	<-done
}

// Suspend hands control back to the resumer and returns at the next Resume.
// It must be called only from the body. If the Coro is being killed, Suspend
// panics to unwind the body instead of returning.
func (c *Coro) Suspend() {
	if !c.Switch(struct{}{}) {
		panic(Killed)
	}
}

// Ended returns a stand-in for a Coro whose body has ended, for a caller that
// keeps a *Coro past End and wants a late Suspend through it to fail in its
// own way: its Switch is sw, and Finished is true. It must not be resumed,
// ended or killed.
func Ended(sw func(struct{}) bool) *Coro { return &Coro{Switch: sw, Finished: true} }

// Killed is the panic value with which Suspend unwinds a body being killed.
// A body may recover it for its cleanup, but must let the body end.
var Killed any = killed{}

// goexit is the panic value End returns for a body that called
// runtime.Goexit.
type goexit struct{}

// Goexit is what End and Kill return for a body that called runtime.Goexit:
// not a value the body panicked with, but the sign that it exited.
var Goexit any = goexit{}

// Kill unwinds a suspended body (one that has run up to a Suspend): the
// Suspend it waits in panics, its deferred calls run, and a body that
// recovers and suspends again is unwound again. It returns what a panic other
// than the unwinding itself left, as End does; a body that returns during the
// unwinding ends normally, and one that calls runtime.Goexit meanwhile ends
// with Goexit, without ending the caller's goroutine. Killing is rare (a
// generator that ignores its finalization), so it ends the Coro's goroutine
// rather than keep a flag that every Suspend would have to test.
func (c *Coro) Kill() (panicValue any) {
	c.dead = true // the goroutine ends with the body
	// The body's deferred calls run on behalf of the caller: they are
	// resumed from its thread, whichever goroutine stops the Coro.
	c.Resumer = goid.G()
	c.stopAside()
	return c.End(nil)
}
