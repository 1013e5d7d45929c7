//aio:library

package aio

import "context"

// Hand-off. A queue or a channel never wakes a waiter to let it go and
// look: the task that makes progress possible does the waiter's work for it
// (trio's memory channels, and its Lock). A Put that finds a getter waiting
// gives it the item; a Get that frees a slot while a putter waits moves
// that putter's item into the queue. The waiter then only picks up its
// result. Three things follow:
//
//   - A woken waiter never finds its item taken by a TryGet (or its slot by
//     a TryPut) that ran first, so it never parks again behind later
//     arrivals: waiters are served in the order they came.
//   - A cancellation never loses an item. The kernel delivers a wake over a
//     cancellation of the same step (Park returns nil), so a waiter that
//     was handed something always picks it up and returns it, and one whose
//     Park fails was handed nothing: a cancelled getter took no item, a
//     cancelled putter inserted none, and the next waiter is still first in
//     line for the next item.
//   - Under WithSeed, waiters woken in one step run in a shuffled order, yet
//     each gets exactly the item meant for it, because the item is in its
//     own slot rather than at the front of a shared buffer.
//
// The waiters of a lot are its tasks (the kernel's ParkingLot, linked
// through the tasks) plus a ring of slots in the same order, which is what
// qwaiters keeps. A task parks right after it pushes its slot, with no
// switch between, so the i-th waiting slot of a lot is the i-th task in
// that lot, and Unpark(1) on the lot of the first waiting slot wakes that
// slot's task. A slot is waiting until it is handed (a value or an error
// was put in it and its task unparked) or abandoned by a task whose Park
// failed; the parked task finds its slot again by its sequence number.

type qslotState uint8

const (
	qsWaiting qslotState = iota // its task is parked
	qsHanded                    // filled and unparked; its task has not picked it up yet
	qsGone                      // picked up or abandoned: to be trimmed
)

type qslot[V any] struct {
	v     V // a putter's item until it is taken; a getter's item once handed
	err   error
	lot   *ParkingLot // where its task parks
	state qslotState
}

// qwaiters is one side's waiting tasks (a queue's getters, a channel's
// senders), oldest first, each with its slot. Several lots may share one
// qwaiters (a channel's clones each have a lot, so that closing one wakes
// only its own tasks); the order across them is the ring's.
type qwaiters[V any] struct {
	slots qring[qslot[V]]
	base  uint // sequence number of slots.at(0)
	next  int  // index of the first waiting slot; slots.len() if none
	n     int  // waiting slots
}

// len returns the number of tasks waiting, including those cancelled and
// not yet resumed to leave (their slot is still waiting: a hand-off in this
// step would still reach them).
func (w *qwaiters[V]) len() int { return w.n }

// park parks the calling task in lot with v in its slot, until a waker
// hands it something: it returns what was handed, or Park's error (a
// cancellation) if nothing was.
func (w *qwaiters[V]) park(ctx context.Context, lot *ParkingLot, v V) (V, error) {
	seq := w.base + uint(w.slots.len())
	w.slots.pushBack(qslot[V]{v: v, lot: lot})
	w.n++
	perr := lot.Park(ctx)
	s := w.slots.at(int(seq - w.base))
	got, err := s.v, s.err
	handed := s.state == qsHanded
	*s = qslot[V]{state: qsGone}
	if !handed {
		if perr == nil {
			panic("aio: internal error: a queue waiter was woken without a hand-off")
		}
		w.n--
		w.advance()
		w.trim()
		var zero V
		return zero, perr
	}
	w.trim()
	return got, err
}

// wake hands v and err to the task that has waited longest, unparks it, and
// returns what its slot held (a putter's item). There must be one: len() > 0.
func (w *qwaiters[V]) wake(v V, err error) V {
	s := w.slots.at(w.next)
	old := s.v
	s.v, s.err, s.state = v, err, qsHanded
	w.n--
	w.next++
	w.advance()
	s.lot.Unpark(1)
	return old
}

// wakeAll hands err to every waiting task, or to those parked in lot if lot
// is not nil, and unparks them in the order they came.
func (w *qwaiters[V]) wakeAll(lot *ParkingLot, err error) {
	var zero V
	for i := w.next; i < w.slots.len(); i++ {
		s := w.slots.at(i)
		if s.state != qsWaiting || (lot != nil && s.lot != lot) {
			continue
		}
		s.v, s.err, s.state = zero, err, qsHanded
		w.n--
		s.lot.Unpark(1)
	}
	w.advance()
}

// advance moves next to the first waiting slot.
func (w *qwaiters[V]) advance() {
	for w.next < w.slots.len() && w.slots.at(w.next).state != qsWaiting {
		w.next++
	}
}

// trim drops the slots at the front that are done with.
func (w *qwaiters[V]) trim() {
	for w.slots.len() > 0 && w.slots.at(0).state == qsGone { // zeroed when it went
		w.slots.dropFront()
		w.base++
		w.next--
	}
}
