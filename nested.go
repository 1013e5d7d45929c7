package aio

// Run refuses to nest in a running loop's thread (ErrNested): a second loop
// run from there would keep the first one blocked for all its life.
//
// A loop's thread is more than one goroutine: the loop's own (callbacks run
// there), the coroutine of the task it runs now, and the coroutine of every
// generator body that those resume, directly or down a chain of bodies
// resuming bodies, and delegations. Go has no goroutine-local state, and a
// look at the caller's stack stops at its own goroutine, so a body resumed
// by a task looked like any goroutine. Instead, each switch into a
// generator's body records the goroutine that makes it (coro.Coro.Resumer,
// one plain store), the running loops are registered with their goroutine
// and the goroutine of the step that runs now (Loop.curG), and Run walks
// from its own goroutine up the chain of resumers until it reaches a loop's
// thread (refused) or a goroutine that no coroutine of a shared pool runs
// on (allowed: a goroutine a task started with go, a plain one).
//
// A stale Loop.curG must not name a goroutine that is no longer the loop's:
// the runtime gives an ended goroutine's descriptor, its identity, to a new
// one. So the goroutine of the coroutine that ran last stays alive while the
// loop runs (coro.NewLocalPool), and the loop names its own goroutine when a
// task's goroutine ends with it (a Goexit, a kill).

import (
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/aio-go/aio/internal/coro"
	"github.com/aio-go/aio/internal/goid"
)

// running holds the loops that Run is running.
var runningLoops struct {
	mu    sync.Mutex
	loops []*Loop
}

// register adds l, whose l.g is set, to the running loops, and returns the
// function that removes it.
func (l *Loop) register() (unregister func()) {
	runningLoops.mu.Lock()
	runningLoops.loops = append(runningLoops.loops, l)
	runningLoops.mu.Unlock()
	unlend := coro.AddThread(&l.curG) // see lend.go
	return func() {
		unlend()
		runningLoops.mu.Lock()
		defer runningLoops.mu.Unlock()
		for i, o := range runningLoops.loops {
			if o == l {
				last := len(runningLoops.loops) - 1
				runningLoops.loops[i], runningLoops.loops[last] = runningLoops.loops[last], nil
				runningLoops.loops = runningLoops.loops[:last]
				return
			}
		}
	}
}

// onThread reports whether goroutine g is the thread of a running loop: its
// goroutine, or the goroutine of its step now. A closed loop runs nothing,
// and its coroutines' goroutines are ending.
func onThread(g uintptr) bool {
	for _, l := range runningLoops.loops {
		if !l.closed.Load() && (g == l.g || g == l.curG.Load()) {
			return true
		}
	}
	return false
}

// maxResumers bounds the walk up a chain of resumers: a longer chain than
// any program makes means a record is broken, and Run is then allowed.
const maxResumers = 1 << 16

// insideTask reports whether the caller runs on a running loop's thread:
// in a task or a callback, or in a generator body that one of them resumes,
// directly or down a chain. Run calls it once.
func insideTask() bool {
	me := goid.G()
	if me == 0 {
		return insideTaskByStack() // no goroutine identity here
	}
	runningLoops.mu.Lock()
	defer runningLoops.mu.Unlock()
	if len(runningLoops.loops) == 0 {
		return false
	}
	for g, n := me, 0; n < maxResumers; n++ {
		if onThread(g) {
			return true
		}
		r, ok := coro.ResumerOf(g)
		if !ok || r == 0 {
			return false
		}
		g = r
	}
	return false
}

// startLocalName and loopName are the functions at the bottom of every
// task's goroutine (the serving loop of a coroutine of a loop's pool, the
// closure that Pool.startLocal returns) and of
// the loop's, which insideTaskByStack looks for.
var (
	startLocalName = strings.TrimSuffix(funcName(coro.NewLocalPool), "NewLocalPool") + "(*Pool).startLocal.func1"
	loopName       = funcName((*Loop).runUntil)
)

func funcName(f any) string { return runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name() }

// insideTaskByStack is insideTask where goroutines have no identity
// (internal/goid): it looks for a task's or the loop's bottom frame on the
// caller's stack, which finds a task and a callback but not a generator
// body they resume.
func insideTaskByStack() bool {
	pcs := make([]uintptr, 64)
	for skip := 2; ; skip += len(pcs) {
		n := runtime.Callers(skip, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if f.Function == startLocalName || f.Function == loopName {
				return true
			}
			if !more {
				break
			}
		}
		if n < len(pcs) {
			return false
		}
	}
}
