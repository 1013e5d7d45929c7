//aio:library

package aio

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// Memory channels, trio's open_memory_channel: a send side and a receive
// side over a buffer of a fixed size, 0 for a rendezvous. Each side can be
// cloned, and the channel closes side by side when the last clone of a
// side closes, which is how a pipeline with several producers tells its
// consumers that it is over without counting them. Values are handed to
// waiting tasks directly, as in a queue (see qwaiters.go), so a cancelled
// Receive never loses a value and a cancelled Send never sends one.

// ErrEndOfChannel is Receive's error once every clone of the send side is
// closed and the buffer is drained, trio's EndOfChannel: the normal end of
// a stream. All ends its loop on it.
var ErrEndOfChannel = errors.New("aio: end of channel")

// ErrClosedResource is the error of a call on a clone that was closed,
// trio's ClosedResourceError; a task blocked on a clone when it is closed
// gets it too.
var ErrClosedResource = errors.New("aio: the channel was closed by this clone")

// ErrBrokenResource is Send's error once every clone of the receive side is
// closed, trio's BrokenResourceError: nobody will ever receive.
var ErrBrokenResource = errors.New("aio: every receiver of the channel is closed")

var errZeroChannel = fmt.Errorf("%w: the channel was not made by NewMemoryChannel", ErrInvalidState)

// MemoryChannelStats is what a memory channel holds, trio's
// MemoryChannelStatistics; both sides report the same. As in QueueStats,
// a waiter that was cancelled counts until it resumes to leave.
type MemoryChannelStats struct {
	BufferUsed     int // values in the buffer
	BufferSize     int // the buffer's size
	OpenSenders    int // clones of the send side not closed
	OpenReceivers  int // clones of the receive side not closed
	WaitingSend    int // tasks blocked in Send
	WaitingReceive int // tasks blocked in Receive
}

// mchan is the state the clones of both sides share.
type mchan[T any] struct {
	owner     qowner
	buf       qring[T]
	size      int
	senders   qwaiters[T] // their slots hold the value to send
	receivers qwaiters[T]
	openSend  int
	openRecv  int
}

// MemorySendChannel is the send side of a memory channel, trio's
// MemorySendChannel: one clone of it. Close it when done sending. Its
// methods follow a Queue's misuse rules: the channel belongs to the loop
// of the first task that calls one of its sides with a context, and once
// that loop's Run has returned, Send and Receive fail with ErrLoopClosed
// while TrySend, TryReceive, Clone and Close may be called from any
// goroutine, one at a time. A zero
// MemorySendChannel (not made by NewMemoryChannel or Clone) returns an
// error wrapping ErrInvalidState.
type MemorySendChannel[T any] struct {
	c      *mchan[T]
	lot    ParkingLot // where this clone's senders park
	closed bool
}

// MemoryReceiveChannel is the receive side of a memory channel, trio's
// MemoryReceiveChannel: one clone of it. Close it when done receiving. As
// for MemorySendChannel, a zero one returns an error wrapping
// ErrInvalidState.
type MemoryReceiveChannel[T any] struct {
	c      *mchan[T]
	lot    ParkingLot
	closed bool
}

// NewMemoryChannel returns the two sides of a new channel whose buffer
// holds up to buffer values, trio's open_memory_channel: with 0, each Send
// waits for a Receive to take its value (a rendezvous). For a buffer
// without bound, pass math.MaxInt (the buffer grows as it fills); a
// negative buffer panics.
func NewMemoryChannel[T any](buffer int) (*MemorySendChannel[T], *MemoryReceiveChannel[T]) {
	if buffer < 0 {
		panic("aio: NewMemoryChannel with a negative buffer")
	}
	c := &mchan[T]{size: buffer, openSend: 1, openRecv: 1}
	c.buf.floor = min(buffer, 1<<16)
	return &MemorySendChannel[T]{c: c}, &MemoryReceiveChannel[T]{c: c}
}

// Send sends v, trio's send: to the task that has waited longest in
// Receive if there is one, else into the buffer if it has room; otherwise
// it waits until a Receive takes v. A Send that need not wait returns
// without a switch. It returns ErrClosedResource if this clone is closed
// (also when that happens while it waits), and ErrBrokenResource once every
// receive clone is closed (also while it waits).
//
// Cancellation: if ctx is cancelled while Send waits, Send returns a
// *CancelledError and v was not sent: no receiver will ever see it, and
// the senders that came after keep their places. A cancellation in the
// same step as the Receive that took v loses to it: Send returns nil.
func (s *MemorySendChannel[T]) Send(ctx context.Context, v T) error {
	c := s.c
	if c == nil {
		return errZeroChannel
	}
	if err := c.owner.enter(ctx); err != nil {
		return err
	}
	if err := s.offer(v); err != ErrWouldBlock {
		return err
	}
	_, err := c.senders.park(ctx, &s.lot, v)
	return err
}

// TrySend sends v without waiting, trio's send_nowait: it returns
// ErrWouldBlock if no receiver waits and the buffer is full (or senders
// wait already: they come first).
func (s *MemorySendChannel[T]) TrySend(v T) error {
	if s.c == nil {
		return errZeroChannel
	}
	if err := s.c.owner.check("MemorySendChannel.TrySend"); err != nil {
		return err
	}
	return s.offer(v)
}

func (s *MemorySendChannel[T]) offer(v T) error {
	c := s.c
	switch {
	case s.closed:
		return ErrClosedResource
	case c.openRecv == 0:
		return ErrBrokenResource
	case c.receivers.len() > 0: // then the buffer is empty
		c.receivers.wake(v, nil)
	case c.buf.len() < c.size:
		c.buf.pushBack(v)
	default:
		return ErrWouldBlock
	}
	return nil
}

// Clone returns a new clone of the send side, trio's clone: the channel's
// send side stays open until every clone is closed. Cloning a closed clone
// returns ErrClosedResource.
func (s *MemorySendChannel[T]) Clone() (*MemorySendChannel[T], error) {
	c := s.c
	if c == nil {
		return nil, errZeroChannel
	}
	if err := c.owner.check("MemorySendChannel.Clone"); err != nil {
		return nil, err
	}
	if s.closed {
		return nil, ErrClosedResource
	}
	c.openSend++
	return &MemorySendChannel[T]{c: c}, nil
}

// Close closes this clone, trio's close: its tasks blocked in Send return
// ErrClosedResource (their values not sent), and its later calls fail with
// it. When the last send clone closes, every receiver gets ErrEndOfChannel
// once the buffer is drained. Closing a closed clone does nothing.
func (s *MemorySendChannel[T]) Close() error {
	c := s.c
	if c == nil {
		return errZeroChannel
	}
	if err := c.owner.check("MemorySendChannel.Close"); err != nil {
		return err
	}
	if s.closed {
		return nil
	}
	s.closed = true
	c.senders.wakeAll(&s.lot, ErrClosedResource)
	if c.openSend--; c.openSend == 0 {
		c.receivers.wakeAll(nil, ErrEndOfChannel)
	}
	return nil
}

// Stats returns what the channel holds.
func (s *MemorySendChannel[T]) Stats() MemoryChannelStats { return s.c.stats() }

// Receive returns the next value, trio's receive: from the buffer, or from
// the sender that has waited longest; otherwise it waits for a Send. A
// Receive that need not wait returns without a switch. Once every send
// clone is closed and the buffer is empty it returns ErrEndOfChannel; on a
// closed clone ErrClosedResource (also when that happens while it waits).
//
// Cancellation: if ctx is cancelled while Receive waits, Receive returns a
// *CancelledError and took no value: the next value goes to the next
// receiver in line. A cancellation in the same step as the Send that
// handed Receive its value loses to it: Receive returns the value, and the
// next await sees the cancellation.
func (r *MemoryReceiveChannel[T]) Receive(ctx context.Context) (T, error) {
	var zero T
	c := r.c
	if c == nil {
		return zero, errZeroChannel
	}
	if err := c.owner.enter(ctx); err != nil {
		return zero, err
	}
	if v, err := r.take(); err != ErrWouldBlock {
		return v, err
	}
	return c.receivers.park(ctx, &r.lot, zero)
}

// TryReceive returns the next value without waiting, trio's
// receive_nowait: ErrWouldBlock if there is none (a value handed to a
// waiting receiver is that receiver's).
func (r *MemoryReceiveChannel[T]) TryReceive() (T, error) {
	var zero T
	if r.c == nil {
		return zero, errZeroChannel
	}
	if err := r.c.owner.check("MemoryReceiveChannel.TryReceive"); err != nil {
		return zero, err
	}
	return r.take()
}

func (r *MemoryReceiveChannel[T]) take() (T, error) {
	var zero T
	c := r.c
	switch {
	case r.closed:
		return zero, ErrClosedResource
	case c.buf.len() > 0:
		v := c.buf.popFront()
		if c.senders.len() > 0 { // the buffer was full: the first sender's value takes the room
			c.buf.pushBack(c.senders.wake(zero, nil))
		}
		return v, nil
	case c.senders.len() > 0: // a rendezvous
		return c.senders.wake(zero, nil), nil
	case c.openSend == 0:
		return zero, ErrEndOfChannel
	}
	return zero, ErrWouldBlock
}

// All returns an iterator over the values received, for a range loop,
// trio's async for: it yields (v, nil) for each value and stops at the end
// of the channel. If Receive fails otherwise (this clone closed), it
// yields (zero, err) once and stops. Breaking out of the loop leaves the
// channel as it is.
//
// Cancellation: if ctx is cancelled while the iterator waits for a value,
// it yields (zero, the *CancelledError) once and stops; no value was taken
// from the channel. A value handed over in the same step is yielded first.
//
//	for v, err := range rx.All(ctx) {
//		if err != nil {
//			return err
//		}
//		...
//	}
func (r *MemoryReceiveChannel[T]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			v, err := r.Receive(ctx)
			if errors.Is(err, ErrEndOfChannel) {
				return
			}
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}

// Clone returns a new clone of the receive side; see
// MemorySendChannel.Clone.
func (r *MemoryReceiveChannel[T]) Clone() (*MemoryReceiveChannel[T], error) {
	c := r.c
	if c == nil {
		return nil, errZeroChannel
	}
	if err := c.owner.check("MemoryReceiveChannel.Clone"); err != nil {
		return nil, err
	}
	if r.closed {
		return nil, ErrClosedResource
	}
	c.openRecv++
	return &MemoryReceiveChannel[T]{c: c}, nil
}

// Close closes this clone: its tasks blocked in Receive return
// ErrClosedResource, and its later calls fail with it. When the last
// receive clone closes, the values in the buffer are dropped and every
// sender gets ErrBrokenResource (a blocked one's value is not sent).
// Closing a closed clone does nothing.
func (r *MemoryReceiveChannel[T]) Close() error {
	c := r.c
	if c == nil {
		return errZeroChannel
	}
	if err := c.owner.check("MemoryReceiveChannel.Close"); err != nil {
		return err
	}
	if r.closed {
		return nil
	}
	r.closed = true
	c.receivers.wakeAll(&r.lot, ErrClosedResource)
	if c.openRecv--; c.openRecv == 0 {
		c.senders.wakeAll(nil, ErrBrokenResource)
		c.buf.clear()
	}
	return nil
}

// Stats returns what the channel holds.
func (r *MemoryReceiveChannel[T]) Stats() MemoryChannelStats { return r.c.stats() }

func (c *mchan[T]) stats() MemoryChannelStats {
	if c == nil {
		return MemoryChannelStats{}
	}
	return MemoryChannelStats{
		BufferUsed:     c.buf.len(),
		BufferSize:     c.size,
		OpenSenders:    c.openSend,
		OpenReceivers:  c.openRecv,
		WaitingSend:    c.senders.len(),
		WaitingReceive: c.receivers.len(),
	}
}
