package aio_test

// Go channels from a task: Recv and Send park the task while a goroutine
// does the channel operation, and a cancellation neither loses a value
// received nor sends one half-way. A bare channel operation blocks the
// loop, and debug mode names the task that did it.

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestRecvAndSendThatNeedNotWaitDoNotSwitch(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		steps, counter := ktStepCounter(t, ctx)
		defer counter.Cancel(nil)
		aio.Sleep(ctx, 0)
		ch := make(chan int, 1)
		before := *steps
		if err := aio.Send(ctx, ch, 1); err != nil {
			t.Errorf("Send: %v", err)
		}
		if v, err := aio.Recv(ctx, ch); v != 1 || err != nil {
			t.Errorf("Recv = %d, %v", v, err)
		}
		close(ch)
		if _, err := aio.Recv(ctx, ch); !errors.Is(err, aio.ErrEndOfChannel) {
			t.Errorf("Recv on a closed channel: %v, want ErrEndOfChannel", err)
		}
		if *steps != before {
			t.Errorf("the loop switched %d times", *steps-before)
		}
		return nil
	})
}

func TestRecvAndSendWithAGoroutineLetTheLoopRunOtherTasks(t *testing.T) {
	ktRunOn(t, nil, func(ctx context.Context) error {
		steps, stop := 0, false
		counter := aqGo(t, ctx, "counter", func(ctx context.Context) (int, error) {
			for ; !stop; steps++ {
				if err := aio.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		in, out := make(chan int), make(chan int)
		go func() { // echoes one value, later
			time.Sleep(10 * time.Millisecond)
			v := <-in
			time.Sleep(10 * time.Millisecond)
			out <- v + 1
		}()
		if err := aio.Send(ctx, in, 41); err != nil {
			t.Errorf("Send: %v", err)
		}
		between := steps
		v, err := aio.Recv(ctx, out)
		if v != 42 || err != nil {
			t.Errorf("Recv = %d, %v", v, err)
		}
		if between == 0 || steps == between {
			t.Errorf("no other task ran while Send (%d steps) or Recv (%d) waited", between, steps-between)
		}
		stop = true
		_, err = counter.Await(ctx)
		return err
	})
}

func TestRecvOfAChannelClosedWhileItWaitsIsErrEndOfChannel(t *testing.T) {
	ktRunOn(t, nil, func(ctx context.Context) error {
		ch := make(chan int)
		go func() { time.Sleep(10 * time.Millisecond); close(ch) }()
		if _, err := aio.Recv(ctx, ch); !errors.Is(err, aio.ErrEndOfChannel) {
			t.Errorf("Recv: %v, want ErrEndOfChannel", err)
		}
		return nil
	})
}

func TestRecvCancelledReceivesNothingAndLeavesTheNextValueInTheChannel(t *testing.T) {
	ktRunOn(t, nil, func(ctx context.Context) error {
		ch := make(chan int) // unbuffered: a value can only go to a receiver waiting now
		r := aqGo(t, ctx, "receiver", func(ctx context.Context) (int, error) { return aio.Recv(ctx, ch) })
		aio.Sleep(ctx, 5*time.Millisecond)
		r.Cancel(nil)
		if _, err := r.Await(ctx); !ktIsCancel(err) {
			t.Errorf("the cancelled Recv returned %v", err)
		}
		select {
		case ch <- 1:
			t.Errorf("someone still receives from ch after Recv returned its cancellation")
		default:
		}
		return nil
	})
}

func TestSendCancelledSendsNothing(t *testing.T) {
	ktRunOn(t, nil, func(ctx context.Context) error {
		ch := make(chan int)
		err := aio.MoveOnAfter(ctx, 5*time.Millisecond, func(ctx context.Context, s *aio.Scope) error {
			err := aio.Send(ctx, ch, 1)
			if !ktIsCancel(err) {
				t.Errorf("the cancelled Send returned %v", err)
			}
			return err
		})
		select {
		case v := <-ch:
			t.Errorf("received %d after Send returned its cancellation", v)
		default:
		}
		return err
	})
}

func TestRecvCancelledAsAValueArrivesNeverLosesIt(t *testing.T) {
	// The goroutine's select may take the value or the cancellation; each
	// round, the value must be got exactly once: by the cancelled Recv, or
	// by the next one.
	got, late := 0, 0
	ktRunOn(t, nil, func(ctx context.Context) error {
		for i := range 300 {
			ch := make(chan int)
			sent := make(chan struct{})
			go func() {
				time.Sleep(time.Duration(i%7) * 50 * time.Microsecond)
				ch <- i
				close(sent)
			}()
			r := aqGo(t, ctx, "receiver", func(ctx context.Context) (int, error) { return aio.Recv(ctx, ch) })
			aio.Sleep(ctx, time.Duration(i%5)*50*time.Microsecond)
			r.Cancel(nil)
			v, err := r.Await(ctx)
			switch {
			case err == nil:
				got++
			case ktIsCancel(err):
				late++
				if v, err = aio.Recv(ctx, ch); err != nil {
					return err
				}
			default:
				return err
			}
			if v != i {
				t.Fatalf("round %d: received %d", i, v)
			}
			if _, err := aio.Recv(ctx, sent); !errors.Is(err, aio.ErrEndOfChannel) {
				return err
			}
		}
		return nil
	})
	t.Logf("%d values came back from the cancelled Recv, %d stayed for the next", got, late)
}

func TestSendOnAClosedChannelPanicsInTheTask(t *testing.T) {
	// Only a channel closed before the Send: closing one while a send
	// waits on it is a data race in Go (the race detector reports it),
	// whoever sends. Send re-panics in the task in that case too.
	ktRun(t, func(ctx context.Context) error {
		closed := make(chan int)
		close(closed)
		task := aqGo(t, ctx, "sender", func(ctx context.Context) (int, error) { return 0, aio.Send(ctx, closed, 1) })
		var pe *aio.PanicError
		if _, err := task.Await(ctx); !errors.As(err, &pe) || !strings.Contains(pe.Error(), "send on closed channel") {
			t.Errorf("Send on a closed channel: %v, want its panic", err)
		}
		return nil
	})
}

func TestRecvAndSendWithTheContextOfAnotherTaskAreErrWrongTask(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		other := aqGo(t, ctx, "other", func(ctx context.Context) (context.Context, error) { return ctx, nil })
		octx, _ := other.Await(ctx)
		ch := make(chan int, 1)
		if err := aio.Send(octx, ch, 1); !errors.Is(err, aio.ErrWrongTask) || len(ch) != 0 {
			t.Errorf("Send: %v, %d in ch", err, len(ch))
		}
		ch <- 1
		if _, err := aio.Recv(octx, ch); !errors.Is(err, aio.ErrWrongTask) || len(ch) != 1 {
			t.Errorf("Recv: %v, %d in ch", err, len(ch))
		}
		return nil
	})
}

func TestRecvHoldsTheVirtualClockWhileItWaits(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		start := aio.Now(ctx)
		sleeper := aqGo(t, ctx, "sleeper", ktSleeper(time.Hour, 0))
		ch := make(chan int)
		go func() { time.Sleep(10 * time.Millisecond); ch <- 1 }()
		if _, err := aio.Recv(ctx, ch); err != nil {
			return err
		}
		if d := ktSince(ctx, start); d != 0 || sleeper.Done() {
			t.Errorf("the virtual clock moved %v while Recv waited for a goroutine", d)
		}
		sleeper.Cancel(nil)
		return nil
	})
}

func TestABareChannelReceiveBlocksTheLoopAndDebugModeNamesTheTask(t *testing.T) {
	log := &etLog{}
	ktRunOn(t, []aio.Option{aio.WithDebug(), aio.WithSlowStep(10 * time.Millisecond), aio.WithLogger(slog.New(log))},
		func(ctx context.Context) error {
			steps, counter := ktStepCounter(t, ctx)
			defer counter.Cancel(nil)
			ch := make(chan int)
			go func() { time.Sleep(30 * time.Millisecond); ch <- 1 }()
			task := aqGo(t, ctx, "bare receive", func(ctx context.Context) (int, error) {
				before := *steps
				v := <-ch // what a task must not do: it holds the loop
				if *steps != before {
					t.Errorf("other tasks ran during a bare channel receive")
				}
				return v, nil
			})
			_, err := task.Await(ctx)
			return err
		})
	if len(log.about("bare receive")) == 0 {
		t.Errorf("debug mode did not name the task that blocked the loop; it logged %v", log.records())
	}
}
