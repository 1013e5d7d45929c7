package aio

import (
	"context"
	"errors"
	"fmt"
)

// Finalization of async generators: never lost, never late.
//
// A loop keeps the async generators that have started and not finished,
// in the order of their first call (agenList). Three things close them:
//
//  1. A range loop over one (All, Iterate) that stops early awaits AClose
//     at once, in the task that ran the loop.
//  2. A generator whose handle is dropped while it is suspended is noticed
//     by the garbage collector (runtime.AddCleanup), which posts to its loop
//     a callback that starts a task to close it: asyncio's
//     _asyncgen_finalizer_hook. Its cleanup runs on the loop, as part of
//     that task; an error it fails with is reported by Run, as any task's.
//  3. Run's shutdown, once the leftover tasks have finished and before the
//     default executor shuts down, closes every generator still alive
//     (asyncio.run's shutdown_asyncgens), the last started first: a
//     generator that drives another started it after itself, so the inner
//     one is closed before the outer one's cleanup runs, which then finds
//     it finished (trio's interdependent cleanup order). They are closed one
//     at a time by one task under a shield, so their cleanup may await even
//     though the tasks that drove them were cancelled. Errors are joined
//     into Run's error.
//
// A generator that ignores a close of 2 or 3 (yields again) is unwound
// (aclose): its deferred calls run, its goroutine goes back to the pool,
// and the close reports ErrAsyncGenIgnoredExit. These are the only
// finalizers of an async generator: gen's own is never armed
// (genfinal.Disarm), as the suspended body's goroutine keeps its gen
// generator reachable, so it could never run.

// agenCloser is an async generator's state seen by its loop.
type agenCloser interface {
	aclose(ctx context.Context) error
}

// agenLink is a generator's place in its loop's list.
type agenLink struct {
	prev, next *agenLink
	gen        agenCloser
	live       bool
}

// agenList is a loop's live async generators, oldest first.
type agenList struct{ head, tail *agenLink }

func (q *agenList) add(k *agenLink, g agenCloser) {
	k.gen, k.live = g, true
	k.prev, k.next = q.tail, nil
	if q.tail == nil {
		q.head = k
	} else {
		q.tail.next = k
	}
	q.tail = k
}

func (q *agenList) remove(k *agenLink) {
	if k.prev == nil {
		q.head = k.next
	} else {
		k.prev.next = k.next
	}
	if k.next == nil {
		q.tail = k.prev
	} else {
		k.next.prev = k.prev
	}
	k.prev, k.next, k.live = nil, nil, false
}

// abandoned is what the cleanup of a dropped handle gets.
type abandoned struct {
	loop *Loop
	link *agenLink
}

// abandon runs on the garbage collector's cleanup goroutine when a
// generator's handle is unreachable: it posts the close to the loop. A
// closed loop closed the generator already.
func abandon(a abandoned) {
	a.loop.post(func() {
		if !a.link.live || a.loop.root.cancelled {
			return // finished meanwhile, or shutdown will close it
		}
		t := newGoTask(a.loop, &a.loop.root.ctx, a.link.gen.aclose)
		t.info = infoAgenFinalizer
		a.loop.enqueue(&t.taskBase) // never eager: a callback of the loop's own
	})
}

var (
	infoAgenFinalizer = &taskInfo{name: "async generator finalizer"}
	infoAgenShutdown  = &taskInfo{name: "shutdown_asyncgens"}
)

// closeAsyncGens is the shutdown step that closes the live generators, the
// last started first, and returns their errors joined.
func (l *Loop) closeAsyncGens() (stuck []*taskBase, err error) {
	if l.agens.tail == nil {
		return nil, nil
	}
	shield := &node{shield: true}
	shield.init(l, &l.root, &l.root.ctx, nil)
	defer shield.unlink()
	var errs []error
	t := newGoTask(l, &shield.ctx, func(ctx context.Context) error {
		for k := l.agens.tail; k != nil; k = l.agens.tail {
			if e := k.gen.aclose(ctx); e != nil {
				errs = append(errs, fmt.Errorf("aio: closing an async generator at shutdown: %w", e))
			}
			if k.live { // it ignored the close
				l.agens.remove(k)
			}
		}
		return nil
	})
	t.info = infoAgenShutdown
	l.enqueue(&t.taskBase)
	stuck = l.settle(func() bool { return l.live == 0 })
	return stuck, errors.Join(errs...)
}
