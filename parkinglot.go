package aio

import (
	"context"
	"sync/atomic"
)

// ParkingLot is the kernel's parking primitive for code built on aio,
// trio's ParkingLot: tasks park in it until another task unparks them, in
// the order they came. Locks, events, conditions, semaphores, queues and
// channels are written on it (and on Future) alone, as trio writes its
// synchronisation on its lot. The zero ParkingLot is ready to use; it must
// not be copied once a task has parked in it.
//
// A lot belongs to the loop of the first task that parks in it: a task of
// another loop gets ErrWrongLoop from Park, and Unpark, UnparkAll, Repark
// and ReparkAll called from a goroutine that is not that loop's thread panic
// and change nothing (see ErrWrongTask). Parking and unparking allocate
// nothing: the waiters are linked through the tasks.
type ParkingLot struct {
	q    waitq
	n    int
	loop atomic.Pointer[Loop]
}

// ParkingLotStats is what a ParkingLot holds, for tests that check a
// structure's invariants after each step.
type ParkingLotStats struct {
	Waiters int // tasks parked in the lot
}

// Park parks the calling task in the lot until Unpark or UnparkAll (on this
// lot, or on the lot it was moved to by Repark) wakes it, and returns nil.
//
// Cancellation: if ctx is cancelled, before Park or while the task is
// parked, the task leaves the lot (the other waiters keep their order) and
// Park returns a *CancelledError. A wake and a cancellation in the same
// step deliver the wake: Park returns nil, and the next await in ctx sees
// the cancellation, so what the waker handed over (a lock, an item) is never
// lost.
func (p *ParkingLot) Park(ctx context.Context) error {
	t, err := current(ctx)
	if err != nil {
		return err
	}
	l := t.node.loop
	if pl := p.loop.Load(); pl != l && (pl != nil || !p.loop.CompareAndSwap(nil, l)) {
		return ErrWrongLoop
	}
	p.q.add(t)
	p.n++
	return t.park(ctx, p)
}

// abort takes a task whose park was cancelled out of the lot it waits in:
// this one, or the one Repark moved it to.
func (p *ParkingLot) abort(t *taskBase) {
	if l := t.node.loop; len(l.reparked) > 0 {
		if to, ok := l.reparked[t]; ok {
			delete(l.reparked, t)
			p = to
		}
	}
	if t.wnext != nil {
		p.q.remove(t)
		p.n--
	}
}

// Unpark wakes the n tasks that have waited longest (all of them if fewer
// wait) and returns how many it woke; n <= 0 wakes none. Each woken task's
// Park returns nil at its next step, in the order they parked.
func (p *ParkingLot) Unpark(n int) int {
	l := p.owner("ParkingLot.Unpark")
	if l == nil {
		return 0
	}
	woke := 0
	for ; woke < n; woke++ {
		t := p.pop(l)
		if t == nil {
			break
		}
		t.wake()
	}
	return woke
}

// UnparkAll wakes every task in the lot and returns how many it woke.
func (p *ParkingLot) UnparkAll() int { return p.Unpark(p.n) }

// Repark moves the n tasks that have waited longest (all if fewer wait) to
// the lot to, behind the tasks waiting there, without waking them, and
// returns how many it moved: what a condition variable does when it
// notifies (its waiters then wait for the lock). It panics if to belongs to
// another loop.
func (p *ParkingLot) Repark(to *ParkingLot, n int) int {
	l := p.owner("ParkingLot.Repark")
	if l == nil || to == p {
		return 0
	}
	if tl := to.loop.Load(); tl != l && (tl != nil || !to.loop.CompareAndSwap(nil, l)) {
		panic("aio: ParkingLot.Repark to a parking lot of another loop")
	}
	moved := 0
	for ; moved < n; moved++ {
		t := p.pop(l)
		if t == nil {
			break
		}
		to.q.add(t)
		to.n++
		if l.reparked == nil {
			l.reparked = make(map[*taskBase]*ParkingLot)
		}
		l.reparked[t] = to
	}
	return moved
}

// ReparkAll moves every task of the lot to the lot to; see Repark.
func (p *ParkingLot) ReparkAll(to *ParkingLot) int { return p.Repark(to, p.n) }

// First returns the task that has waited longest in the lot (the one
// Unpark(1) would wake), or nil if none waits: what a lock that hands its
// ownership to its next holder records as the owner before it unparks it.
func (p *ParkingLot) First() AnyTask {
	if t := p.q.head; t != nil {
		return t.body.task()
	}
	return nil
}

// Len returns the number of tasks parked in the lot.
func (p *ParkingLot) Len() int { return p.n }

// Stats returns what the lot holds.
func (p *ParkingLot) Stats() ParkingLotStats { return ParkingLotStats{Waiters: p.n} }

// owner returns the lot's loop after checking that the caller is its
// thread, or nil for a lot no task has parked in.
func (p *ParkingLot) owner(what string) *Loop {
	l := p.loop.Load()
	if l != nil {
		l.mustOwn(what)
	}
	return l
}

// pop takes the task that has waited longest out of the lot.
func (p *ParkingLot) pop(l *Loop) *taskBase {
	t := p.q.head
	if t == nil {
		return nil
	}
	p.q.remove(t)
	p.n--
	if len(l.reparked) > 0 {
		delete(l.reparked, t)
	}
	return t
}
