//aio:library

package aio

import (
	"context"
	"errors"
	"strings"
)

// ErrBrokenBarrier is the error of waiting on a Barrier that was aborted,
// or reset while the task waited (asyncio's BrokenBarrierError).
var ErrBrokenBarrier = errors.New("aio: broken barrier")

// Barrier makes a number of tasks wait for each other, asyncio.Barrier
// (3.11): each task that calls Wait waits until parties tasks have called
// it, and then all of them go on. A barrier is reusable: the next parties
// calls of Wait make the next round. NewBarrier makes one; the zero Barrier
// has no parties, and its Wait returns ErrInvalidState.
//
// Each round has an outcome of its own, which its waiters read when they
// resume: a round that passed does not hold back the next one, so asyncio's
// "draining" and "resetting" states, in which new arrivals wait for the
// last round's tasks to leave, are not needed here. Two things follow
// where asyncio differs. A task of a round that passed returns its place
// even if Reset or Abort comes before it has resumed (asyncio breaks the
// tasks still draining). And a task that passed and comes straight back
// joins the next round at once, so a Reset right after a round passed
// breaks it (asyncio holds it back until the round has drained, and its
// Reset then finds nobody waiting).
//
// Reset and Abort take no context: call them from the loop's thread. From
// another goroutine they panic, and change nothing, while tasks wait (the
// check of the round's Future); without waiters such a call is a data
// race.
type Barrier struct {
	parties int
	broken  bool
	round   *barrierRound // the round filling now; nil before its first arrival
	loop    loopBinding
}

// barrierRound is one filling of the barrier: its waiters await done, which
// the last arrival sets and Reset or Abort fail with ErrBrokenBarrier.
type barrierRound struct {
	done    Future[struct{}]
	arrived int   // tasks that came, the cancelled ones included
	left    []int // arrival numbers of the cancelled, in the order they left
}

// waiting is the number of tasks waiting in the round.
func (r *barrierRound) waiting() int { return r.arrived - len(r.left) }

// index is the place of arrival number n among the tasks that stayed.
func (r *barrierRound) index(n int) int {
	i := n
	for _, m := range r.left {
		if m < n {
			i--
		}
	}
	return i
}

// BarrierStats is what a Barrier holds.
type BarrierStats struct {
	Parties int
	Waiting int // tasks waiting for the round to fill
	Broken  bool
}

// NewBarrier returns a barrier for parties tasks. It panics if parties < 1.
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("aio: NewBarrier with fewer than one party")
	}
	return &Barrier{parties: parties}
}

// Wait waits until parties tasks wait on the barrier, and returns the
// caller's place among them, from 0 (the first to arrive) to parties-1
// (the last, which returns at once, without a switch, and lets the others
// go on), asyncio's `await barrier.wait()`. It returns ErrBrokenBarrier
// if the barrier is broken, or is aborted or reset while the task waits;
// ErrInvalidState for a zero Barrier; ErrWrongLoop if the barrier belongs
// to another loop, and the errors of a ctx that is not the running task's.
//
// Cancellation: if ctx is cancelled while the task waits, Wait returns a
// *CancelledError and the task leaves the round: the round needs one more
// arrival, and the others' places close up (they stay 0 to parties-1). The
// barrier is not broken. If the round filled in the same step, the task
// passed with the others: Wait returns its place and nil.
func (b *Barrier) Wait(ctx context.Context) (int, error) {
	if err := b.loop.check(ctx); err != nil {
		return 0, err
	}
	switch {
	case b.parties < 1:
		return 0, ErrInvalidState
	case b.broken:
		return 0, ErrBrokenBarrier
	}
	r := b.round
	if r == nil {
		r = new(barrierRound)
		b.round = r
	}
	n := r.arrived
	r.arrived++
	if r.waiting() == b.parties {
		if err := r.done.SetResult(struct{}{}); err != nil {
			return 0, err // cannot happen: ctx is the running task's
		}
		b.round = nil
		return b.parties - 1, nil
	}
	if _, err := r.done.Await(ctx); err != nil {
		if !r.done.Done() { // cancelled: r is still the filling round
			r.left = append(r.left, n)
			if r.waiting() == 0 {
				b.round = nil
			}
		}
		return 0, err
	}
	return r.index(n), nil
}

// Reset returns the barrier to its empty, unbroken state, asyncio's
// barrier.reset(): the tasks waiting in it get ErrBrokenBarrier, and the
// next parties calls of Wait make a new round.
func (b *Barrier) Reset() {
	b.fail("aio: Barrier.Reset")
	b.broken = false
}

// Abort breaks the barrier, asyncio's barrier.abort(): the tasks waiting in
// it, and every later Wait until a Reset, get ErrBrokenBarrier.
func (b *Barrier) Abort() {
	b.fail("aio: Barrier.Abort")
	b.broken = true
}

// fail ends the filling round with ErrBrokenBarrier; from a goroutine that
// is not the loop's thread, fail panics before anything changed.
func (b *Barrier) fail(what string) {
	if err := b.loop.p.Load().CheckThread(strings.TrimPrefix(what, "aio: ")); err != nil {
		panic(err.Error())
	}
	if r := b.round; r != nil {
		if err := r.done.SetError(ErrBrokenBarrier); err != nil {
			panic(what + ": " + err.Error())
		}
		b.round = nil
	}
}

// Parties returns the number of tasks a round waits for.
func (b *Barrier) Parties() int { return b.parties }

// Waiting returns the number of tasks waiting for the round to fill,
// asyncio's n_waiting.
func (b *Barrier) Waiting() int {
	if b.round == nil {
		return 0
	}
	return b.round.waiting()
}

// Broken reports whether the barrier is broken (aborted and not reset).
func (b *Barrier) Broken() bool { return b.broken }

// Stats returns what the barrier holds.
func (b *Barrier) Stats() BarrierStats {
	return BarrierStats{Parties: b.parties, Waiting: b.Waiting(), Broken: b.broken}
}
