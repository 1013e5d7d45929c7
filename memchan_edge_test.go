package aio_test

// Edge cases of the memory channels that trio's test_channel.py pins
// down, each under the name of the rule it checks: a cancelled Send or
// Receive that must leave no trace, closed and cloned sides, and use after
// the loop closed.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestAMemoryChannelReceiveThatTimedOutTakesNothingLater(t *testing.T) {
	// trio's test_553: a Receive given up by its scope no longer waits,
	// so the next Send goes to the buffer and the next Receive gets it.
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[string](1)
		var s *aio.Scope
		err := aio.MoveOnAfter(ctx, 10*time.Second, func(ctx context.Context, scope *aio.Scope) error {
			s = scope
			_, err := rx.Receive(ctx)
			return err
		})
		if err != nil || !s.CancelledCaught() {
			t.Errorf("MoveOnAfter = %v, caught %v; want the Receive given up", err, s.CancelledCaught())
		}
		if st := rx.Stats(); st.WaitingReceive != 0 {
			t.Errorf("Stats after the Receive was given up = %+v, want no receiver", st)
		}
		if err := tx.Send(ctx, "Test for PR #553"); err != nil {
			return err
		}
		if st := tx.Stats(); st.BufferUsed != 1 {
			t.Errorf("Stats after the Send = %+v, want the value in the buffer", st)
		}
		if v, err := rx.Receive(ctx); v != "Test for PR #553" || err != nil {
			t.Errorf("Receive = %q, %v", v, err)
		}
		return nil
	})
}

func TestAMemoryChannelSendCancelledWhileWaitingDeliversNothing(t *testing.T) {
	// A rendezvous: the sender waits for a receiver and is cancelled. Its
	// value must reach no later Receive, and the sender after it keeps its
	// place.
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](0)
		first := syGo(t, ctx, "first", func(ctx context.Context) error { return tx.Send(ctx, 1) })
		second := syGo(t, ctx, "second", func(ctx context.Context) error { return tx.Send(ctx, 2) })
		aqUntil(t, ctx, "both senders wait", func() bool { return tx.Stats().WaitingSend == 2 })
		first.Cancel(nil)
		if err := syAwaitErr(ctx, first); !ktIsCancel(err) {
			t.Errorf("the cancelled Send = %v, want its cancellation", err)
		}
		if st := tx.Stats(); st.WaitingSend != 1 || st.BufferUsed != 0 {
			t.Errorf("Stats after the cancellation = %+v, want one sender, nothing buffered", st)
		}
		if v, err := rx.TryReceive(); v != 2 || err != nil {
			t.Errorf("TryReceive = %d, %v; want the second sender's 2", v, err)
		}
		if err := syAwaitErr(ctx, second); err != nil {
			t.Errorf("the second Send = %v", err)
		}
		if _, err := rx.TryReceive(); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("TryReceive after both = %v, want ErrWouldBlock: the cancelled value was delivered", err)
		}
		return nil
	})
}

func TestAClosedCloneRefusesEverythingAndCountsOnce(t *testing.T) {
	// trio's test_close_sync and test_receive_channel_clone_and_close: a
	// closed clone refuses Send, TrySend, Clone (ErrClosedResource), even
	// while the channel is open through another clone; closing it again
	// changes nothing; once the last receive clone closes, senders get
	// ErrBrokenResource and the buffer is dropped.
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](10)
		tx2, err := tx.Clone()
		if err != nil {
			return err
		}
		rx2, err := rx.Clone()
		if err != nil {
			return err
		}
		for _, c := range []interface{ Close() error }{tx, tx, rx, rx} {
			if err := c.Close(); err != nil {
				t.Errorf("Close = %v", err)
			}
		}
		if st := tx2.Stats(); st.OpenSenders != 1 || st.OpenReceivers != 1 {
			t.Errorf("Stats after closing each first clone twice = %+v, want one of each open", st)
		}
		if err := tx.Send(ctx, 1); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("Send on a closed clone = %v, want ErrClosedResource", err)
		}
		if err := tx.TrySend(1); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("TrySend on a closed clone = %v, want ErrClosedResource", err)
		}
		if _, err := tx.Clone(); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("Clone of a closed send clone = %v, want ErrClosedResource", err)
		}
		if _, err := rx.Clone(); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("Clone of a closed receive clone = %v, want ErrClosedResource", err)
		}
		if _, err := rx.Receive(ctx); !errors.Is(err, aio.ErrClosedResource) {
			t.Errorf("Receive on a closed clone = %v, want ErrClosedResource", err)
		}
		if err := tx2.Send(ctx, 1); err != nil {
			t.Errorf("Send on the open clone = %v", err)
		}
		if err := rx2.Close(); err != nil {
			return err
		}
		if err := tx2.TrySend(2); !errors.Is(err, aio.ErrBrokenResource) {
			t.Errorf("TrySend with every receiver closed = %v, want ErrBrokenResource", err)
		}
		if st := tx2.Stats(); st.BufferUsed != 0 || st.OpenReceivers != 0 {
			t.Errorf("Stats with every receiver closed = %+v, want the buffer dropped", st)
		}
		return nil
	})
}

func TestAMemoryChannelRefusesAContextAfterItsLoopClosed(t *testing.T) {
	// Use after Run returned: Send and Receive say ErrLoopClosed and
	// change nothing; the methods without a context work from any
	// goroutine, as nothing runs on the loop any more.
	var taskCtx context.Context
	tx, rx := aio.NewMemoryChannel[int](1)
	ktRun(t, func(ctx context.Context) error {
		taskCtx = ctx
		return tx.Send(ctx, 1)
	})
	if err := tx.Send(taskCtx, 2); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Send after Run returned = %v, want ErrLoopClosed", err)
	}
	if _, err := rx.Receive(taskCtx); !errors.Is(err, aio.ErrLoopClosed) || rx.Stats().BufferUsed != 1 {
		t.Errorf("Receive after Run returned = %v, want ErrLoopClosed and the value left", err)
	}
	if v, err := rx.TryReceive(); v != 1 || err != nil {
		t.Errorf("TryReceive after Run returned = %d, %v; want 1", v, err)
	}
	if err := tx.Close(); err != nil {
		t.Errorf("Close after Run returned = %v", err)
	}
	if _, err := rx.TryReceive(); !errors.Is(err, aio.ErrEndOfChannel) {
		t.Errorf("TryReceive after the last sender closed = %v, want ErrEndOfChannel", err)
	}
}
