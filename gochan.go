//aio:library

package aio

import (
	"context"
	"errors"
)

// Go channels from a task. A bare channel operation in a task (<-ch,
// ch <- v, a select without a default case) blocks the loop's thread: no
// other task of the loop runs until it completes, and if what it waits for
// must come from another task of the same loop, it never completes. Recv
// and Send park the task instead and do the operation off the loop, on a
// goroutine of its own, which posts the outcome back through the loop's
// inbox.
//
// Why not the default executor: a channel operation may wait for as long
// as the other side likes, and each would hold one of the pool's workers;
// with all of them waiting, ToThread jobs would queue behind them, and a
// Send queued behind Recvs that it would have satisfied would never run.
// A goroutine per waiting operation costs about what a ToThread round trip
// does, and the operation that need not wait makes none.
//
// Why the task waits for the goroutine when it is cancelled: the goroutine
// selects on ch and on the task's cancellation, and Go's select does
// exactly one of the two. Waiting for it (a few microseconds, under a
// shield) tells the task which, so a value received as the cancellation
// came is returned rather than dropped or handed elsewhere, and a value
// not sent is known not to be in the channel.

// Recv receives a value from the Go channel ch without blocking the loop:
// if ch has one ready, Recv returns it at once, without a switch;
// otherwise the task parks and a goroutine of its own waits on ch. Once ch
// is closed and drained, Recv returns ErrEndOfChannel (Go's ok == false).
// A nil ch waits until ctx is cancelled, as a receive from one would.
//
// While Recv waits, the loop counts it as outside work, as an executor job:
// on the virtual clock, time does not move on. So between tasks of one
// loop, use a Queue or a memory channel: a task that sleeps before it
// sends on ch would wait for ever.
//
// Cancellation: if ctx is cancelled while Recv waits, the goroutine stops
// waiting and Recv returns a *CancelledError; nothing was received, and
// the next value stays in ch for its next receiver. If a value arrived
// in the same instant, the goroutine has it: Recv returns it with a nil
// error (the wake wins, as everywhere in aio), and the next await sees the
// cancellation. No value received is ever lost.
func Recv[T any](ctx context.Context, ch <-chan T) (T, error) {
	var zero T
	if _, err := GetRunningLoop(ctx); err != nil {
		return zero, err
	}
	select {
	case v, ok := <-ch:
		if !ok {
			return zero, ErrEndOfChannel
		}
		return v, nil
	default:
	}
	if ctx.Err() != nil {
		return zero, &CancelledError{Cause: context.Cause(ctx)}
	}
	done := ctx.Done()
	r, err := RunInExecutor(Shield(ctx), gochanExecutor{}, func(context.Context) (gochanRecv[T], error) {
		select {
		case v, ok := <-ch:
			return gochanRecv[T]{v: v, ok: ok, got: true}, nil
		case <-done:
			return gochanRecv[T]{}, nil
		}
	})
	switch {
	case err != nil:
		return zero, err
	case !r.got:
		return zero, &CancelledError{Cause: context.Cause(ctx)}
	case !r.ok:
		return zero, ErrEndOfChannel
	}
	return r.v, nil
}

type gochanRecv[T any] struct {
	v       T
	ok, got bool
}

// Send sends v on the Go channel ch without blocking the loop: if ch can
// take v at once (a receiver waits, or its buffer has room), Send returns
// without a switch; otherwise the task parks and a goroutine of its own
// sends. A send on a closed channel panics, in the calling task, as it
// does in Go; a nil ch waits until ctx is cancelled. On the virtual clock,
// time does not move on while Send waits (see Recv).
//
// Cancellation: if ctx is cancelled while Send waits, the goroutine stops
// waiting and Send returns a *CancelledError: v was not sent, and never
// will be. If a receiver took v in the same instant, Send returns nil and
// the next await sees the cancellation.
func Send[T any](ctx context.Context, ch chan<- T, v T) error {
	if _, err := GetRunningLoop(ctx); err != nil {
		return err
	}
	select {
	case ch <- v:
		return nil
	default:
	}
	if ctx.Err() != nil {
		return &CancelledError{Cause: context.Cause(ctx)}
	}
	done := ctx.Done()
	sent, err := RunInExecutor(Shield(ctx), gochanExecutor{}, func(context.Context) (bool, error) {
		select {
		case ch <- v:
			return true, nil
		case <-done:
			return false, nil
		}
	})
	if pe := (*PanicError)(nil); errors.As(err, &pe) {
		panic(pe.Value) // a send on a closed channel
	}
	switch {
	case err != nil:
		return err
	case !sent:
		return &CancelledError{Cause: context.Cause(ctx)}
	}
	return nil
}

// gochanExecutor runs each job on a goroutine of its own.
type gochanExecutor struct{}

func (gochanExecutor) Submit(job func()) error        { go job(); return nil }
func (gochanExecutor) Shutdown(context.Context) error { return nil }
