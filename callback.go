package aio

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/aio-go/aio/internal/goid"
)

// Handle is a callback scheduled on the loop, asyncio's Handle and
// TimerHandle: CallSoon, CallLater and CallAt return one. Its methods must be
// called on the loop's thread. A nil or zero Handle stands for no callback:
// Cancel returns false and Cancelled reports false.
type Handle struct {
	loop      *Loop
	fn        func()
	timer     timer
	cancelled bool
	ran       bool
}

// Cancel stops the callback from running. It returns false if the callback
// has run or was cancelled already. From a goroutine that is not the loop's
// thread, Cancel panics and changes nothing (see ErrWrongTask).
func (h *Handle) Cancel() bool {
	if h == nil || h.loop == nil {
		return false
	}
	h.loop.mustOwn("Handle.Cancel")
	if h.ran || h.cancelled {
		return false
	}
	h.cancelled = true
	if h.timer.armed() {
		h.loop.timers.disarm(&h.timer)
	}
	return true
}

// Cancelled reports whether Cancel stopped the callback.
func (h *Handle) Cancelled() bool { return h != nil && h.cancelled }

// fire moves a timed callback to the ready queue, as asyncio does: it runs
// after the tasks that were ready before it.
func (h *Handle) fire(l *Loop) { l.schedule(h) }

func (h *Handle) run(l *Loop) {
	if h.cancelled || h.ran {
		return
	}
	h.ran = true
	l.callback(h.fn)
}

// callback runs fn as a callback of the loop: calls that do not block may be
// made from it, and a panic in it is kept for Run to report instead of
// taking the loop down.
func (l *Loop) callback(fn func()) {
	was := l.inCallback
	l.inCallback = true
	var step *runningStep
	if l.debug {
		step = l.callbackBegins(fn)
	}
	returned := false
	defer func() {
		l.inCallback = was
		if r := recover(); r != nil {
			l.callbackErrs = append(l.callbackErrs, &PanicError{Value: r, Stack: debug.Stack(), Task: "callback"})
		} else if !returned {
			// runtime.Goexit, which nothing stops: it ends the goroutine
			// that runs the loop, and Run shuts the loop down on its way
			// out (exitedInCallback).
			l.goexited = true
		}
		if l.debug {
			l.callbackTook(step)
		}
	}()
	fn()
	returned = true
}

// CallSoon arranges for fn to run on the loop of ctx at the next step, after
// the tasks and callbacks that are ready now, asyncio's call_soon. A panic in
// fn does not stop the loop: Run reports it as a *PanicError. fn must not
// block. CallSoon may be called from a task or a callback of the loop; a nil
// fn is an error.
func CallSoon(ctx context.Context, fn func()) (*Handle, error) {
	l, err := onLoop(ctx)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errNilFunc
	}
	h := &Handle{loop: l, fn: fn}
	l.schedule(h)
	return h, nil
}

// CallLater arranges for fn to run on the loop of ctx after d, asyncio's
// call_later; see CallSoon. A d of zero or less runs fn at the next step,
// after the callbacks and tasks ready now (asyncio's rule: a duration in the
// past has passed).
func CallLater(ctx context.Context, d time.Duration, fn func()) (*Handle, error) {
	l, err := onLoop(ctx)
	if err != nil {
		return nil, err
	}
	return callAt(l, l.clock.now()+int64(max(d, 0)), fn)
}

// CallAt arranges for fn to run on the loop of ctx at when, in the loop's
// time (see Now), asyncio's call_at; a time in the past runs it at the next
// step. See CallSoon.
func CallAt(ctx context.Context, when time.Time, fn func()) (*Handle, error) {
	l, err := onLoop(ctx)
	if err != nil {
		return nil, err
	}
	return callAt(l, int64(when.Sub(l.clock.epoch())), fn)
}

func callAt(l *Loop, at int64, fn func()) (*Handle, error) {
	if fn == nil {
		return nil, errNilFunc
	}
	h := &Handle{loop: l, fn: fn}
	l.timers.arm(&h.timer, kindHandle, at)
	return h, nil
}

// onLoop returns the loop of ctx if the caller runs on it: in a step of one
// of its tasks or in one of its callbacks. It is the check of the calls that
// do not block.
func onLoop(ctx context.Context) (*Loop, error) {
	if ctx == nil {
		return nil, ErrNoTask
	}
	n := nodeOf(ctx)
	if n == nil {
		return nil, ErrNoTask
	}
	return n.loop, n.loop.onThread()
}

// onThread reports whether the caller runs on the loop's thread: in the
// task running now, or in a callback. It reads only atomics and what the
// caller's own goroutine wrote, so checking a foreign goroutine is no data
// race.
func (l *Loop) onThread() error {
	if l.closed.Load() {
		return ErrLoopClosed
	}
	me := goid.G()
	switch {
	case me == 0: // no goroutine identity on this architecture
		if l.current != nil || l.inCallback {
			return nil
		}
	case me == l.g:
		if l.inCallback {
			return nil
		}
	case me == l.curG.Load():
		return nil
	}
	return ErrWrongTask
}
