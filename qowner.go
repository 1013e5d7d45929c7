//aio:library

package aio

import (
	"context"
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
// The thread check is the kernel's Loop.CheckThread.
type qowner struct {
	loop atomic.Pointer[Loop]
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
	return nil
}

// check returns ErrWrongTask, naming what was called, if the caller is not
// the owner's loop thread.
func (o *qowner) check(what string) error {
	return o.loop.Load().CheckThread(what)
}

// mustCheck is check for the methods that return no error.
func (o *qowner) mustCheck(what string) {
	if err := o.check(what); err != nil {
		panic(err.Error())
	}
}
