//aio:library

package aio

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// qowner makes a queue or a channel follow the kernel's misuse rules, as a
// Future and a ParkingLot do: it belongs to the loop of the first task that
// calls one of its methods with a context; a task of another loop then gets
// ErrWrongLoop, and a method without a context called from a goroutine that
// is not the loop's thread changes nothing and returns ErrWrongTask (or
// panics, where it returns no error). Before any task has used it, it is
// not checked, like a Future that nobody has awaited.
//
// The kernel exports no thread check, only methods that perform one. A
// done Future bound to the loop is one: its SetResult checks the calling
// goroutine first, returns ErrWrongTask from a foreign one, and
// ErrInvalidState, changing nothing, on the loop's thread. (In debug mode
// the kernel's log of such a misuse therefore names Future.SetResult.)
type qowner struct {
	loop  atomic.Pointer[Loop]
	ready atomic.Bool // probe is set and bound to loop
	probe Future[struct{}]
}

// enter checks that ctx is the context of the running task, and that the
// task's loop is the owner's, binding it on first use.
func (o *qowner) enter(ctx context.Context) error {
	l, err := GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	if ol := o.loop.Load(); ol == l {
		return nil
	} else if ol != nil || !o.loop.CompareAndSwap(nil, l) {
		return ErrWrongLoop
	}
	o.probe.SetResult(struct{}{})
	o.probe.Await(ctx) // done: binds it to l without a switch
	o.ready.Store(true)
	return nil
}

// check returns ErrWrongTask, naming what was called, if the caller is not
// the owner's loop thread.
func (o *qowner) check(what string) error {
	if !o.ready.Load() {
		return nil
	}
	if err := o.probe.SetResult(struct{}{}); errors.Is(err, ErrWrongTask) {
		return fmt.Errorf("%w: %s called from a goroutine that is not the loop's thread (post it with CallSoonThreadsafe)", ErrWrongTask, what)
	}
	return nil
}

// mustCheck is check for the methods that return no error.
func (o *qowner) mustCheck(what string) {
	if err := o.check(what); err != nil {
		panic(err.Error())
	}
}
