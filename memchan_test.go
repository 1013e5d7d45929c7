package aio_test

// Memory channels, after trio's src/trio/_tests/test_channel.py
// (test_channel, test_553, test_channel_multiple_producers,
// test_channel_multiple_consumers, test_close_basic, test_close_sync,
// test_receive_channel_clone_and_close, test_close_multiple_send_handles,
// test_close_multiple_receive_handles, test_inf_capacity, test_statistics,
// test_channel_fairness, test_unbuffered), with the same-step races of
// the queue tests.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestMemoryChannelBuffersUpToItsSizeAndTryFailsWithErrWouldBlock(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](1)
		if err := tx.TrySend(1); err != nil {
			t.Errorf("TrySend: %v", err)
		}
		if err := tx.TrySend(2); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("TrySend on a full buffer: %v", err)
		}
		if v, err := rx.Receive(ctx); v != 1 || err != nil {
			t.Errorf("Receive = %d, %v", v, err)
		}
		if _, err := rx.TryReceive(); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("TryReceive on an empty channel: %v", err)
		}
		if err := tx.Send(ctx, 3); err != nil {
			t.Errorf("Send with room: %v", err)
		}
		if v, err := rx.TryReceive(); v != 3 || err != nil {
			t.Errorf("TryReceive = %d, %v", v, err)
		}
		return nil
	})
}

func TestMemoryChannelWithoutBufferIsARendezvous(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[string](0)
		if err := tx.TrySend("x"); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("TrySend with no receiver: %v", err)
		}
		start := aio.Now(ctx)
		sender := aqGo(t, ctx, "sender", func(ctx context.Context) (time.Duration, error) {
			err := tx.Send(ctx, "hello")
			return ktSince(ctx, start), err
		})
		aqUntil(t, ctx, "the sender waits", func() bool { return tx.Stats().WaitingSend == 1 })
		aio.Sleep(ctx, time.Second)
		if v, err := rx.Receive(ctx); v != "hello" || err != nil {
			t.Errorf("Receive = %q, %v", v, err)
		}
		if d, err := sender.Await(ctx); d != time.Second || err != nil {
			t.Errorf("the sender returned %v after %v, want 1s", err, d)
		}
		receiver := aqGo(t, ctx, "receiver", rx.Receive)
		aqUntil(t, ctx, "the receiver waits", func() bool { return rx.Stats().WaitingReceive == 1 })
		if err := tx.TrySend("world"); err != nil {
			t.Errorf("TrySend to a waiting receiver: %v", err)
		}
		if v, _ := receiver.Await(ctx); v != "world" {
			t.Errorf("the receiver got %q", v)
		}
		return nil
	})
}

func TestMemoryChannelCancelledReceiverIsNotHandedTheNextValue(t *testing.T) {
	// trio's test_553: a receive that timed out must not stay in line.
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[string](1)
		aio.MoveOnAfter(ctx, 10*time.Second, func(ctx context.Context, s *aio.Scope) error {
			_, err := rx.Receive(ctx)
			return err
		})
		if err := tx.TrySend("Test for PR #553"); err != nil {
			t.Errorf("TrySend after the timed-out receive: %v", err)
		}
		if s := rx.Stats(); s.BufferUsed != 1 || s.WaitingReceive != 0 {
			t.Errorf("stats: %+v", s)
		}
		return nil
	})
}

func TestMemoryChannelReceiverCancelledInTheSameStepAsTheSendReturnsTheValue(t *testing.T) {
	for _, cancelFirst := range []bool{false, true} {
		t.Run(fmt.Sprint("cancel first: ", cancelFirst), func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				tx, rx := aio.NewMemoryChannel[int](0)
				r := aqGo(t, ctx, "receiver", rx.Receive)
				other := aqGo(t, ctx, "other", rx.Receive)
				aqUntil(t, ctx, "the receivers wait", func() bool { return rx.Stats().WaitingReceive == 2 })
				if cancelFirst {
					r.Cancel(nil)
				}
				tx.TrySend(1)
				if !cancelFirst {
					r.Cancel(nil)
				}
				if v, err := r.Await(ctx); v != 1 || err != nil {
					t.Errorf("the receiver = %d, %v; the value handed to it must come back", v, err)
				}
				tx.TrySend(2)
				if v, err := other.Await(ctx); v != 2 || err != nil {
					t.Errorf("the other receiver = %d, %v", v, err)
				}
				return nil
			})
		})
	}
}

func TestMemoryChannelCancelledSenderSendsNothing(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](0)
		var senders []*aio.Task[int]
		for i := range 3 {
			senders = append(senders, aqGo(t, ctx, fmt.Sprint("sender", i), func(ctx context.Context) (int, error) {
				return 0, tx.Send(ctx, i)
			}))
			aqUntil(t, ctx, "the sender waits", func() bool { return tx.Stats().WaitingSend == i+1 })
		}
		senders[0].Cancel(nil)
		if _, err := senders[0].Await(ctx); !ktIsCancel(err) {
			t.Errorf("the cancelled sender returned %v", err)
		}
		senders[1].Cancel(nil)
		if v, err := rx.TryReceive(); v != 1 || err != nil { // in the same step as the cancel
			t.Errorf("TryReceive = %d, %v; want 1, the first sender still in line", v, err)
		}
		if _, err := senders[1].Await(ctx); err != nil {
			t.Errorf("the sender whose value was taken returned %v", err)
		}
		if v, err := rx.Receive(ctx); v != 2 || err != nil {
			t.Errorf("Receive = %d, %v", v, err)
		}
		if _, err := rx.TryReceive(); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("a value of the cancelled sender came through: %v", err)
		}
		return nil
	})
}

func TestMemoryChannelFairness(t *testing.T) {
	// trio's test_channel_fairness.
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](1)
		tx.TrySend(1)
		if v, _ := rx.TryReceive(); v != 1 {
			t.Errorf("TryReceive = %d", v)
		}
		// A waiting receiver owns the value sent, although we run first.
		r := aqGo(t, ctx, "receiver", rx.Receive)
		aqUntil(t, ctx, "the receiver waits", func() bool { return rx.Stats().WaitingReceive == 1 })
		tx.TrySend(2)
		if _, err := rx.TryReceive(); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("TryReceive took the value of a waiting receiver: %v", err)
		}
		if v, _ := r.Await(ctx); v != 2 {
			t.Errorf("the receiver got %d", v)
		}
		// And a waiting sender owns the room a receive makes.
		tx.TrySend(1)
		s := aqGo(t, ctx, "sender", func(ctx context.Context) (int, error) { return 0, tx.Send(ctx, 2) })
		aqUntil(t, ctx, "the sender waits", func() bool { return tx.Stats().WaitingSend == 1 })
		if v, _ := rx.TryReceive(); v != 1 {
			t.Errorf("TryReceive = %d", v)
		}
		if err := tx.TrySend(3); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("TrySend took the room of a waiting sender: %v", err)
		}
		if v, _ := rx.Receive(ctx); v != 2 {
			t.Errorf("Receive = %d", v)
		}
		_, err := s.Await(ctx)
		return err
	})
}

func TestMemoryChannelClosingTheLastSenderEndsTheChannelAfterTheBuffer(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](2)
		tx2, _ := tx.Clone()
		tx.TrySend(1)
		tx.Close()
		tx.Close() // does nothing
		if err := tx.TrySend(9); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("TrySend on a closed clone: %v", err)
		}
		if _, err := tx.Clone(); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("Clone of a closed clone: %v", err)
		}
		tx2.TrySend(2)
		waiting := aqGo(t, ctx, "receiver", func(ctx context.Context) (int, error) {
			rx.Receive(ctx)
			rx.Receive(ctx)
			return rx.Receive(ctx)
		})
		aqUntil(t, ctx, "the receiver waits", func() bool { return rx.Stats().WaitingReceive == 1 })
		if s := rx.Stats(); s.OpenSenders != 1 {
			t.Errorf("OpenSenders = %d", s.OpenSenders)
		}
		tx2.Close()
		if _, err := waiting.Await(ctx); !errors.Is(err, aio.ErrEndOfChannel) {
			t.Errorf("the blocked receiver got %v, want ErrEndOfChannel", err)
		}
		if _, err := rx.TryReceive(); !errors.Is(err, aio.ErrEndOfChannel) {
			t.Errorf("TryReceive after the end: %v", err)
		}
		return nil
	})
}

func TestMemoryChannelClosingTheLastReceiverBreaksItForSenders(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](1)
		rx2, _ := rx.Clone()
		tx.TrySend(1)
		blocked := aqGo(t, ctx, "sender", func(ctx context.Context) (int, error) { return 0, tx.Send(ctx, 2) })
		aqUntil(t, ctx, "the sender waits", func() bool { return tx.Stats().WaitingSend == 1 })
		rx.Close()
		if _, err := rx.Receive(ctx); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("Receive on a closed clone: %v", err)
		}
		if s := tx.Stats(); s.WaitingSend != 1 || s.OpenReceivers != 1 {
			t.Errorf("one receive clone is still open: %+v", s)
		}
		rx2.Close()
		if _, err := blocked.Await(ctx); !errors.Is(err, aio.ErrBrokenResource) {
			t.Errorf("the blocked sender got %v, want ErrBrokenResource", err)
		}
		if err := tx.TrySend(3); !errors.Is(err, aio.ErrBrokenResource) {
			t.Errorf("TrySend with no receiver left: %v", err)
		}
		if s := tx.Stats(); s != (aio.MemoryChannelStats{BufferSize: 1, OpenSenders: 1}) {
			t.Errorf("the buffer is dropped with the last receiver: %+v", s)
		}
		return nil
	})
}

func TestMemoryChannelClosingACloneWakesOnlyItsOwnTasks(t *testing.T) {
	// trio's test_close_basic: a task blocked on the clone that is closed
	// gets ErrClosedResource; the other clones' tasks go on waiting.
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](0)
		rx2, _ := rx.Clone()
		a := aqGo(t, ctx, "on rx", rx.Receive)
		b := aqGo(t, ctx, "on rx2", rx2.Receive)
		c := aqGo(t, ctx, "on rx again", rx.Receive)
		aqUntil(t, ctx, "the receivers wait", func() bool { return rx.Stats().WaitingReceive == 3 })
		rx.Close()
		for _, task := range []*aio.Task[int]{a, c} {
			if _, err := task.Await(ctx); !errors.Is(err, aio.ErrClosedResource) {
				t.Errorf("%s: %v, want ErrClosedResource", task.Name(), err)
			}
		}
		if s := rx2.Stats(); s.WaitingReceive != 1 {
			t.Errorf("the other clone's receiver left: %+v", s)
		}
		tx.TrySend(7)
		if v, err := b.Await(ctx); v != 7 || err != nil {
			t.Errorf("rx2's receiver: %d, %v", v, err)
		}

		tx2, _ := tx.Clone()
		s1 := aqGo(t, ctx, "on tx", func(ctx context.Context) (int, error) { return 0, tx.Send(ctx, 1) })
		s2 := aqGo(t, ctx, "on tx2", func(ctx context.Context) (int, error) { return 0, tx2.Send(ctx, 2) })
		aqUntil(t, ctx, "the senders wait", func() bool { return tx.Stats().WaitingSend == 2 })
		tx.Close()
		if _, err := s1.Await(ctx); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("tx's sender: %v, want ErrClosedResource", err)
		}
		if v, err := rx2.Receive(ctx); v != 2 || err != nil {
			t.Errorf("Receive = %d, %v; want tx2's value", v, err)
		}
		_, err := s2.Await(ctx)
		return err
	})
}

func TestMemoryChannelAllEndsAtTheEndOfTheChannel(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](0)
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for p := range 3 { // three producers, each on its clone
				c, err := tx.Clone()
				if err != nil {
					return err
				}
				tg.Go(func(ctx context.Context) error {
					defer c.Close()
					for i := range 3 {
						if err := c.Send(ctx, 10*p+i); err != nil {
							return err
						}
					}
					return nil
				})
			}
			tx.Close()
			var got []int
			for v, err := range rx.All(ctx) {
				if err != nil {
					return err
				}
				got = append(got, v)
			}
			slices.Sort(got)
			if want := []int{0, 1, 2, 10, 11, 12, 20, 21, 22}; !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			return nil
		})
	})
}

func TestMemoryChannelAllReportsACancellationOnce(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](1)
		tx.TrySend(1)
		var got []int
		var errs []error
		err := aio.Timeout(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
			for v, err := range rx.All(ctx) {
				if err != nil {
					errs = append(errs, err)
					continue // the iterator must stop by itself
				}
				got = append(got, v)
			}
			return errs[0]
		})
		if !errors.Is(err, aio.ErrTimeout) || len(errs) != 1 || !ktIsCancel(errs[0]) || !slices.Equal(got, []int{1}) {
			t.Errorf("Timeout = %v; the loop got %v and errors %v", err, got, errs)
		}
		return nil
	})
}

func TestMemoryChannelBreakingOutOfAllLeavesTheRestInTheChannel(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](2)
		tx.TrySend(1)
		tx.TrySend(2)
		for v, err := range rx.All(ctx) {
			if v != 1 || err != nil {
				t.Errorf("first value: %d, %v", v, err)
			}
			break
		}
		if v, err := rx.TryReceive(); v != 2 || err != nil {
			t.Errorf("after the break: %d, %v; want 2", v, err)
		}
		return nil
	})
}
