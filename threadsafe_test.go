package aio_test

// Thread-safe submission, after CPython's Lib/test/test_asyncio:
// test_events.py (test_call_soon_threadsafe, test_call_soon_threadsafe_same_thread,
// test_call_soon_threadsafe_closed), test_base_events.py (get_running_loop)
// and test_tasks.py's RunCoroutineThreadsafeTests (test_run_coroutine_threadsafe,
// _with_exception, _with_timeout, _task_cancelled).
//
// These tests run on the real clock: a task that waits for a goroutine the
// loop knows nothing about is, on the virtual clock, a deadlock.

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// etFromGoroutine runs fn on a goroutine of its own (not the loop's) and
// awaits its result on the loop, which it reaches with CallSoonThreadsafe.
func etFromGoroutine[T any](ctx context.Context, fn func(loop *aio.Loop) T) (T, error) {
	loop, err := aio.GetRunningLoop(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	f := aio.NewFuture[T]()
	go func() {
		v := fn(loop)
		loop.CallSoonThreadsafe(func() { f.SetResult(v) })
	}()
	return f.Await(ctx)
}

// etOutcome is a result and an error handed from one goroutine to another.
type etOutcome struct {
	v   int
	err error
}

func TestGetRunningLoopReturnsTheLoopOfTheRunningTask(t *testing.T) {
	var first *aio.Loop
	err := etRun(t, nil, func(ctx context.Context) error {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil || loop == nil {
			t.Errorf("GetRunningLoop(main) = %v, %v", loop, err)
		}
		first = loop
		child, err := aio.CreateTask(ctx, func(ctx context.Context) (*aio.Loop, error) {
			return aio.GetRunningLoop(ctx)
		})
		if err != nil {
			return err
		}
		if l, err := child.Await(ctx); l != loop || err != nil {
			t.Errorf("GetRunningLoop(child) = %p, %v; want main's loop %p", l, err, loop)
		}
		// From a goroutine that is not the loop's, with a task's
		// context: the loop thread waits for it, so the task is not
		// running any other step meanwhile.
		fromGoroutine := make(chan error, 1)
		go func() {
			_, err := aio.GetRunningLoop(ctx)
			fromGoroutine <- err
		}()
		if err, rerr := etRecv(fromGoroutine, "GetRunningLoop from a goroutine"); rerr != nil || !errors.Is(err, aio.ErrWrongTask) {
			t.Errorf("GetRunningLoop from another goroutine = %v (%v), want ErrWrongTask", err, rerr)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := aio.GetRunningLoop(context.Background()); !errors.Is(err, aio.ErrNoTask) {
		t.Errorf("GetRunningLoop(context.Background()) = %v, want ErrNoTask", err)
	}
	err = etRun(t, nil, func(ctx context.Context) error {
		if l, _ := aio.GetRunningLoop(ctx); l == first {
			t.Error("two Runs share a loop")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestCallSoonThreadsafeRunsEveryCallOnceOnTheLoopInEachGoroutinesOrder(t *testing.T) {
	const senders, calls = 8, 1000
	err := etRun(t, nil, func(ctx context.Context) error {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		// Written by the callbacks and read by main without a lock: the
		// race detector fails the test if a callback runs off the loop.
		seqs := make([][]int, senders)
		total, offLoop := 0, 0
		all := aio.NewFuture[struct{}]()
		refused := make(chan error, senders)
		var wg sync.WaitGroup
		for g := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range calls {
					err := loop.CallSoonThreadsafe(func() {
						seqs[g] = append(seqs[g], i)
						// A callback may use the loop's non-blocking calls.
						if _, err := aio.CallSoon(ctx, func() {}); err != nil {
							offLoop++
						}
						if total++; total == senders*calls {
							all.SetResult(struct{}{})
						}
					})
					if err != nil {
						refused <- err
						return
					}
				}
			}()
		}
		if _, err := all.Await(ctx); err != nil {
			return err
		}
		wg.Wait()
		// A last call runs after every earlier one: no duplicate is
		// still on its way.
		flushed := aio.NewFuture[struct{}]()
		if err := loop.CallSoonThreadsafe(func() { flushed.SetResult(struct{}{}) }); err != nil {
			return err
		}
		if _, err := flushed.Await(ctx); err != nil {
			return err
		}
		close(refused)
		for err := range refused {
			t.Errorf("CallSoonThreadsafe on a running loop = %v", err)
		}
		if total != senders*calls || offLoop != 0 {
			t.Errorf("%d callbacks ran (%d not as loop callbacks), want %d", total, offLoop, senders*calls)
		}
		for g, seq := range seqs {
			if len(seq) != calls {
				t.Errorf("goroutine %d: %d of its %d calls ran", g, len(seq), calls)
				continue
			}
			for i, v := range seq {
				if v != i {
					t.Errorf("goroutine %d: call %d ran in place %d", g, v, i)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestABurstOfThreadsafeCallsCostsTheLoopOneWakeup(t *testing.T) {
	const senders, calls = 8, 1000
	err := etRun(t, nil, func(ctx context.Context) error {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		wakeups := aio.CountInboxWakeups(loop)
		ran := 0
		var wg sync.WaitGroup
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range calls {
					loop.CallSoonThreadsafe(func() { ran++ })
				}
			}()
		}
		// The loop's thread is held on purpose: the whole burst arrives
		// while the loop is busy, as it does under load.
		wg.Wait()
		if n := wakeups(); n != 1 {
			t.Errorf("a burst of %d calls sent %d wake-ups, want 1", senders*calls, n)
		}
		// The next step of the loop runs the whole burst.
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if ran != senders*calls {
			t.Errorf("%d calls ran in the next step, want %d", ran, senders*calls)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestThreadsafeSubmissionAfterRunReturnedFailsWithErrLoopClosed(t *testing.T) {
	var loop *aio.Loop
	err := etRun(t, nil, func(ctx context.Context) error {
		var err error
		loop, err = aio.GetRunningLoop(ctx)
		return err
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := loop.CallSoonThreadsafe(func() { t.Error("a callback ran on a closed loop") }); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("CallSoonThreadsafe = %v, want ErrLoopClosed", err)
	}
	f, err := aio.RunCoroutineThreadsafe(loop, func(context.Context) (int, error) {
		t.Error("a coroutine ran on a closed loop")
		return 0, nil
	})
	if !errors.Is(err, aio.ErrLoopClosed) || f != nil {
		t.Errorf("RunCoroutineThreadsafe = %v, %v; want nil, ErrLoopClosed", f, err)
	}
}

func TestThreadsafeSubmissionRejectsANilFunction(t *testing.T) {
	err := etRun(t, nil, func(ctx context.Context) error {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		if err := loop.CallSoonThreadsafe(nil); err == nil {
			t.Error("CallSoonThreadsafe(nil) = <nil>, want an error")
		}
		if _, err := aio.RunCoroutineThreadsafe[int](loop, nil); err == nil {
			t.Error("RunCoroutineThreadsafe(nil) = <nil>, want an error")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestRunCoroutineThreadsafeRunsATaskWhoseOutcomeAGoroutineWaitsFor(t *testing.T) {
	cases := []struct {
		name string
		v    int
		err  error
	}{
		{"a result", 42, nil},
		{"an error", 0, errEtBoom},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := etRun(t, nil, func(ctx context.Context) error {
				got, err := etFromGoroutine(ctx, func(loop *aio.Loop) etOutcome {
					f, err := aio.RunCoroutineThreadsafe(loop, func(ctx context.Context) (int, error) {
						if aio.CurrentTask(ctx) == nil {
							return 0, errors.New("the coroutine does not run as a task")
						}
						if err := aio.Sleep(ctx, time.Millisecond); err != nil {
							return 0, err
						}
						return c.v, c.err
					})
					if err != nil {
						return etOutcome{err: err}
					}
					v, err := f.Wait(context.Background())
					if rv, rerr := f.Result(); rv != v || rerr != err {
						return etOutcome{err: errors.New("Result differs from Wait")}
					}
					return etOutcome{v, err}
				})
				if err != nil {
					return err
				}
				if got.v != c.v || got.err != c.err {
					t.Errorf("Wait = %v, %v; want %v, %v", got.v, got.err, c.v, c.err)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run = %v, want <nil>: the future handed the task's error over", err)
			}
		})
	}
}

func TestConcurrentFutureWaitReturnsTheContextsErrorAndTheTaskGoesOn(t *testing.T) {
	err := etRun(t, nil, func(ctx context.Context) error {
		gate := aio.NewFuture[int]()
		type waits struct {
			cancelled, expired error
			later              etOutcome
		}
		got, err := etFromGoroutine(ctx, func(loop *aio.Loop) waits {
			var w waits
			f, err := aio.RunCoroutineThreadsafe(loop, func(ctx context.Context) (int, error) {
				return gate.Await(ctx)
			})
			if err != nil {
				w.later.err = err
				return w
			}
			cctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, w.cancelled = f.Wait(cctx)
			tctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			_, w.expired = f.Wait(tctx)
			if _, err := f.Result(); !errors.Is(err, aio.ErrInvalidState) {
				w.later.err = errors.New("the future is done after its waits gave up")
				return w
			}
			loop.CallSoonThreadsafe(func() { gate.SetResult(5) })
			w.later.v, w.later.err = f.Wait(context.Background())
			return w
		})
		if err != nil {
			return err
		}
		if got.cancelled != context.Canceled {
			t.Errorf("Wait(cancelled ctx) = %v, want context.Canceled", got.cancelled)
		}
		if got.expired != context.DeadlineExceeded {
			t.Errorf("Wait(expired ctx) = %v, want context.DeadlineExceeded", got.expired)
		}
		if got.later.v != 5 || got.later.err != nil {
			t.Errorf("Wait after the task went on = %v, %v; want 5, <nil>", got.later.v, got.later.err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestConcurrentFutureCancelCancelsTheTask(t *testing.T) {
	t.Run("while it waits", func(t *testing.T) {
		err := etRun(t, nil, func(ctx context.Context) error {
			got, err := etFromGoroutine(ctx, func(loop *aio.Loop) etOutcome {
				parked := make(chan struct{})
				f, err := aio.RunCoroutineThreadsafe(loop, func(ctx context.Context) (int, error) {
					close(parked) // the loop's thread parks the task right after
					return aio.NewFuture[int]().Await(ctx)
				})
				if err != nil {
					return etOutcome{err: err}
				}
				if _, err := etRecv(parked, "the task's first step"); err != nil {
					return etOutcome{err: err}
				}
				f.Cancel(errEtStop)
				v, err := f.Wait(context.Background())
				return etOutcome{v, err}
			})
			if err != nil {
				return err
			}
			if err := etWantCancel(got.err, errEtStop); err != nil {
				t.Errorf("Wait after Cancel: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	})
	t.Run("before its first step, so that it never runs", func(t *testing.T) {
		ran := false
		err := etRun(t, nil, func(ctx context.Context) error {
			loop, err := aio.GetRunningLoop(ctx)
			if err != nil {
				return err
			}
			posted := make(chan *aio.ConcurrentFuture[int], 1)
			go func() {
				f, err := aio.RunCoroutineThreadsafe(loop, func(context.Context) (int, error) {
					ran = true
					return 1, nil
				})
				if err != nil {
					t.Error(err)
				}
				f.Cancel(errEtStop)
				posted <- f
			}()
			// The loop's thread waits until both the start and the
			// cancel are posted: the task cannot take a step between.
			f, err := etRecv(posted, "the posts of the goroutine")
			if err != nil || f == nil {
				return err
			}
			got, err := etFromGoroutine(ctx, func(*aio.Loop) etOutcome {
				v, err := f.Wait(context.Background())
				return etOutcome{v, err}
			})
			if err != nil {
				return err
			}
			if err := etWantCancel(got.err, errEtStop); err != nil {
				t.Errorf("Wait after Cancel: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if ran {
			t.Error("a task cancelled before its first step ran")
		}
	})
}

func TestRunCancelsAThreadsafeTaskStillRunningWhenMainReturns(t *testing.T) {
	futures := make(chan *aio.ConcurrentFuture[int], 1)
	cleanedUp := false
	err := etRun(t, nil, func(ctx context.Context) error {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		started := aio.NewFuture[struct{}]()
		go func() {
			f, err := aio.RunCoroutineThreadsafe(loop, func(ctx context.Context) (int, error) {
				started.SetResult(struct{}{})
				_, err := aio.NewFuture[int]().Await(ctx)
				cleanedUp = true
				return 0, err
			})
			if err != nil {
				t.Error(err)
			}
			futures <- f
		}()
		_, err = started.Await(ctx)
		return err
	})
	if err != nil {
		t.Fatalf("Run = %v, want <nil>: a cancelled leftover is no error", err)
	}
	f, rerr := etRecv(futures, "RunCoroutineThreadsafe's return")
	if rerr != nil || f == nil {
		t.Fatal(rerr)
	}
	select {
	case <-f.Done():
	default:
		t.Fatal("the future of a task that Run cancelled is not done after Run")
	}
	if _, err := f.Result(); etWantCancel(err, aio.ErrLoopShutdown) != nil {
		t.Errorf("Result: %v", etWantCancel(err, aio.ErrLoopShutdown))
	}
	if !cleanedUp {
		t.Error("Run did not wait for the cancelled task to return")
	}
}

func TestAPanicInAThreadsafeCallbackIsReportedAndTheLoopGoesOn(t *testing.T) {
	err := etRun(t, nil, func(ctx context.Context) error {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		after := aio.NewFuture[int]()
		go func() {
			loop.CallSoonThreadsafe(func() { panic("callback exploded") })
			loop.CallSoonThreadsafe(func() { after.SetResult(1) })
		}()
		if v, err := after.Await(ctx); v != 1 || err != nil {
			t.Errorf("the callback after the panic = %v, %v", v, err)
		}
		return aio.Sleep(ctx, time.Millisecond)
	})
	var pe *aio.PanicError
	if !errors.As(err, &pe) || pe.Value != "callback exploded" {
		t.Fatalf("Run = %v, want a *aio.PanicError with the callback's panic", err)
	}
}
