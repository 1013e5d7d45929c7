package aio

import (
	"errors"
	"fmt"

	"github.com/aio-go/aio/internal/goid"
)

// Misuse from the wrong loop or goroutine.
//
// A loop's state is touched by its own thread alone: the goroutine that
// called Run and the coroutines of its tasks, which never run at the same
// time. The calls that take a ctx check it first (current, onLoop). The
// methods that take none (Task.Cancel, Future.SetResult, SetError and Cancel,
// Handle.Cancel, Scope.Reschedule and Cancel, TaskGroup.Go and Cancel,
// ParkingLot's Unpark and Repark) check the calling goroutine against the
// loop's thread, in every mode: one load of the goroutine's identity and two
// compares. A call from another goroutine changes nothing: the methods that
// return an error return ErrWrongTask, and the others panic with a message
// that says what was called (from a task of another loop, that panic
// becomes the task's *PanicError; from a plain goroutine, it is the
// programming error that a send on a closed channel is). In debug mode, the
// misuse is also logged with where it was called from.
//
// A future or a parking lot belongs to the loop of the first task that
// waits on it; a task of another loop that awaits it later gets ErrWrongLoop,
// before anything of it is read.

// ErrWrongLoop is returned when a task awaits a future, a task or a parking
// lot that belongs to another event loop. Nothing of the awaited thing is
// read or changed.
var ErrWrongLoop = errors.New("aio: the future, task or parking lot belongs to another event loop")

// owns reports whether the calling goroutine is the loop's thread: the
// goroutine that runs the loop (its callbacks, its timers, its inbox), or
// that of the task running now. After the loop has closed nothing runs on
// it any more, and every goroutine may look at what it left.
func (l *Loop) owns() bool {
	me := goid.G()
	return me == 0 || me == l.g || me == l.curG.Load() || l.closed.Load()
}

// CheckThread returns an error wrapping ErrWrongTask, saying that what was
// called from a goroutine that is not l's thread, if the caller is not: the
// loop's own goroutine, or that of the task or callback running now. It is
// the check of the kernel's methods without a context, for types built on
// the kernel whose methods take none either (a queue's TryPut); in debug
// mode it also logs the misuse with where it was called from. After the
// loop has closed it returns nil: nothing runs on it any more. A nil Loop
// has no thread, and CheckThread returns nil.
func (l *Loop) CheckThread(what string) error {
	if l == nil || l.owns() {
		return nil
	}
	return l.misuse(what)
}

// checkThread returns ErrWrongTask, saying what was called, if the caller
// is not the loop's thread; in debug mode it logs the misuse with its site.
func (l *Loop) checkThread(what string) error {
	if l.owns() {
		return nil
	}
	return l.misuse(what)
}

// mustOwn is checkThread for the methods that return no error: they panic.
func (l *Loop) mustOwn(what string) {
	if !l.owns() {
		panic(l.misuse(what).Error())
	}
}

func (l *Loop) misuse(what string) error {
	err := fmt.Errorf("%w: %s called from a goroutine that is not the loop's thread (post it with CallSoonThreadsafe)", ErrWrongTask, what)
	if l.debug {
		l.log.Error("aio: "+what+" called from a goroutine that is not the loop's thread",
			"call", what, "called_at", callerSite(3))
	}
	return err
}
