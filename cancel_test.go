package aio_test

// Cancellation, as DESIGN.md decides it (context-based, level-triggered),
// after CPython's Lib/test/test_asyncio/test_tasks.py (test_cancel,
// test_cancel_yield, test_cancel_inner_future, test_cancel_both_task_and_inner_future,
// test_cancel_task_catching, test_cancel_at_end, test_cancel_with_message_*,
// test_shield_*) and trio's test_run.py (test_cancel_edge_cases: level
// triggering; test_cancel_shielding; test_cancel_inheritance;
// test_precancelled_task).
//
// Where aio differs from asyncio on purpose: cancellation is a state of the
// context, not one exception thrown once, so every await after it fails too
// (trio's rule); and awaiting a task does not cancel it when the awaiter is
// cancelled.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// ktParkedAwaits are the ways a task can be parked, each returning the
// error of its await.
var ktParkedAwaits = []struct {
	name  string
	await func(ctx context.Context) error
}{
	{"Sleep", func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) }},
	{"Future.Await", func(ctx context.Context) error {
		_, err := aio.NewFuture[int]().Await(ctx)
		return err
	}},
	{"Task.Await", func(ctx context.Context) error {
		other, err := aio.CreateTask(aio.Shield(ctx), ktSleeper(time.Hour, 0))
		if err != nil {
			return err
		}
		defer other.Cancel(nil)
		_, err = other.Await(ctx)
		return err
	}},
	{"an await inside a Timeout", func(ctx context.Context) error {
		return aio.Timeout(ctx, 2*time.Hour, func(ctx context.Context, _ *aio.Scope) error {
			return aio.Sleep(ctx, time.Hour)
		})
	}},
	{"Wait", func(ctx context.Context) error {
		_, _, err := aio.Wait(ctx, []*aio.Future[int]{aio.NewFuture[int]()}, aio.AllCompleted, 0)
		return err
	}},
}

func TestTaskCancelFailsTheParkedAwaitWithTheCause(t *testing.T) {
	for _, a := range ktParkedAwaits {
		t.Run("a task parked in "+a.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				cause := errors.New("operator stop")
				var inside error
				t0 := aio.Now(ctx)
				w, err := aio.CreateTask(ctx, func(ctx context.Context) (time.Duration, error) {
					err := a.await(ctx)
					if got := context.Cause(ctx); got != cause {
						t.Errorf("context.Cause(ctx) in the task = %v, want the cause", got)
					}
					if ctx.Err() != context.Canceled {
						t.Errorf("ctx.Err() in the task = %v, want context.Canceled", ctx.Err())
					}
					inside = err
					return ktSince(ctx, t0), err
				})
				if err != nil {
					return err
				}
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				if !w.Cancel(cause) {
					t.Error("Cancel of a parked task = false")
				}
				at, err := w.Await(ctx)
				if got, ok := ktCause(inside); !ok || got != cause || !ktIsCancel(inside) {
					t.Errorf("the parked await returned %v; want a *CancelledError with the cause, Is ErrCancelled and context.Canceled", inside)
				}
				if err != inside {
					t.Errorf("Await of the task = %v, want the error it returned (%v)", err, inside)
				}
				if at != time.Second {
					t.Errorf("the await failed %v after the start, want 1s (at the Cancel)", at)
				}
				if !w.Cancelled() {
					t.Error("Cancelled() = false")
				}
				return nil
			})
		})
	}
}

func TestCancellationIsLevelTriggered(t *testing.T) {
	later := []struct {
		name  string
		await func(ctx context.Context) error
	}{
		{"Sleep(0)", func(ctx context.Context) error { return aio.Sleep(ctx, 0) }},
		{"Sleep(1s)", func(ctx context.Context) error { return aio.Sleep(ctx, time.Second) }},
		{"Future.Await of a pending future", func(ctx context.Context) error {
			_, err := aio.NewFuture[int]().Await(ctx)
			return err
		}},
		{"Task.Await of a running task", func(ctx context.Context) error {
			other, err := aio.CreateTask(aio.Shield(ctx), ktSleeper(time.Second, 0))
			if err != nil {
				return err
			}
			_, err = other.Await(ctx)
			return err
		}},
		{"an await inside a new Timeout", func(ctx context.Context) error {
			return aio.Timeout(ctx, time.Hour, func(ctx context.Context, _ *aio.Scope) error {
				return aio.Sleep(ctx, time.Second)
			})
		}},
		{"Gather", func(ctx context.Context) error {
			_, err := aio.Gather(ctx, ktSleeper(time.Second, 1))
			return err
		}},
		{"an await in a new TaskGroup", func(ctx context.Context) error {
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				return aio.Sleep(ctx, time.Second)
			})
		}},
		{"Await of a task it creates now", func(ctx context.Context) error {
			child, err := aio.CreateTask(ctx, ktSleeper(time.Second, 1))
			if err != nil {
				return err
			}
			_, err = child.Await(aio.Shield(ctx))
			return err
		}},
	}
	for _, l := range later {
		t.Run("after the cancellation "+l.name+" fails too", func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				cause := errors.New("stop")
				w, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					first := aio.Sleep(ctx, time.Hour)
					if !ktIsCancel(first) {
						t.Errorf("first await = %v, want a cancellation", first)
					}
					for i := range 2 {
						err := l.await(ctx)
						if c, ok := ktCause(err); !ok || c != cause || !ktIsCancel(err) {
							t.Errorf("later await #%d = %v, want a cancellation with the cause", i+1, err)
						}
					}
					return 0, first
				})
				if err != nil {
					return err
				}
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				w.Cancel(cause)
				_, err = w.Await(ctx)
				if !ktIsCancel(err) {
					t.Errorf("the task ended with %v, want its cancellation", err)
				}
				return nil
			})
		})
	}
}

func TestTaskCancelledBeforeItsFirstStepNeverRuns(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		cause := errors.New("changed my mind")
		var ran bool
		w, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			ran = true
			return 1, nil
		})
		if err != nil {
			return err
		}
		if !w.Cancel(cause) {
			t.Error("Cancel of a task that has not started = false")
		}
		_, err = w.Await(ctx)
		if ran {
			t.Error("the function of a task cancelled before its first step ran")
		}
		if c, ok := ktCause(err); !ok || c != cause || !ktIsCancel(err) {
			t.Errorf("Await = %v, want a cancellation with the cause", err)
		}
		if !w.Done() || !w.Cancelled() {
			t.Errorf("Done=%v Cancelled=%v, want true, true", w.Done(), w.Cancelled())
		}
		return nil
	})
}

func TestTaskCancelReturnsFalseOnceFinishedAndKeepsTheFirstCause(t *testing.T) {
	t.Run("a finished task cannot be cancelled", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			w, err := aio.CreateTask(ctx, ktSleeper(time.Second, 3))
			if err != nil {
				return err
			}
			if _, err := w.Await(ctx); err != nil {
				return err
			}
			if w.Cancel(errors.New("too late")) {
				t.Error("Cancel of a finished task = true")
			}
			if v, err := w.Result(); v != 3 || err != nil || w.Cancelled() {
				t.Errorf("after a late Cancel: Result = %v, %v, Cancelled=%v; want 3, nil, false", v, err, w.Cancelled())
			}
			return nil
		})
	})
	t.Run("a second Cancel keeps the first cause", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			first, second := errors.New("first"), errors.New("second")
			w, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				err := aio.Sleep(ctx, time.Hour)
				if context.Cause(ctx) != first {
					t.Errorf("context.Cause = %v, want the first cause", context.Cause(ctx))
				}
				return 0, err
			})
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			if !w.Cancel(first) {
				t.Error("first Cancel = false")
			}
			if !w.Cancel(second) {
				t.Error("second Cancel of a task still running = false, want true")
			}
			_, err = w.Await(ctx)
			if c, _ := ktCause(err); c != first {
				t.Errorf("Await = %v, want the first cause", err)
			}
			return nil
		})
	})
}

func TestCancellingATaskCancelsTheTasksItCreated(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		cause := errors.New("tear down")
		t0 := aio.Now(ctx)
		type outcome struct {
			err error
			at  time.Duration
		}
		got := map[string]outcome{}
		sleeper := func(name string) func(context.Context) (int, error) {
			return func(ctx context.Context) (int, error) {
				err := aio.Sleep(ctx, time.Hour)
				got[name] = outcome{err, ktSince(ctx, t0)}
				return 0, err
			}
		}
		var child, grandchild, shielded, survivor *aio.Task[int]
		parent, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			var err error
			if child, err = aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				if grandchild, err = aio.CreateTask(ctx, sleeper("grandchild")); err != nil {
					return 0, err
				}
				return sleeper("child")(ctx)
			}); err != nil {
				return 0, err
			}
			// A child created with a shielded context belongs to the loop.
			if shielded, err = aio.CreateTask(aio.Shield(ctx), ktSleeper(2*time.Second, 5)); err != nil {
				return 0, err
			}
			return sleeper("parent")(ctx)
		})
		if err != nil {
			return err
		}
		// A task that the cancelled task did not create is not touched.
		if survivor, err = aio.CreateTask(ctx, ktSleeper(2*time.Second, 6)); err != nil {
			return err
		}
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		parent.Cancel(cause)
		for _, task := range []*aio.Task[int]{parent, child, grandchild} {
			task.Await(ctx)
		}
		for _, name := range []string{"parent", "child", "grandchild"} {
			o := got[name]
			if c, ok := ktCause(o.err); !ok || c != cause || o.at != time.Second {
				t.Errorf("%s: await = %v at %v; want a cancellation with the parent's cause at 1s", name, o.err, o.at)
			}
		}
		if v, err := shielded.Await(ctx); v != 5 || err != nil {
			t.Errorf("the task created with Shield(ctx) = %v, %v; want 5, nil", v, err)
		}
		if v, err := survivor.Await(ctx); v != 6 || err != nil {
			t.Errorf("an unrelated task = %v, %v; want 6, nil", v, err)
		}
		return nil
	})
}

func TestShieldProtectsCleanupAwaitsFromTheTasksCancellation(t *testing.T) {
	t.Run("cleanup after the cancellation awaits under Shield, then the next plain await fails", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			var cleaned time.Duration
			w, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				defer func() {
					sh := aio.Shield(ctx)
					if sh.Err() != nil {
						t.Errorf("Shield(ctx).Err() = %v, want nil", sh.Err())
					}
					if err := aio.Sleep(sh, 2*time.Second); err != nil {
						t.Errorf("shielded Sleep in the cleanup = %v, want nil", err)
					}
					f := aio.NewFuture[int]()
					aio.CallLater(ctx, time.Second, func() { f.SetResult(1) })
					if _, err := f.Await(sh); err != nil {
						t.Errorf("shielded Future.Await in the cleanup = %v, want nil", err)
					}
					cleaned = ktSince(ctx, t0)
					if err := aio.Sleep(ctx, 0); !ktIsCancel(err) {
						t.Errorf("the plain await after the shielded ones = %v, want a cancellation", err)
					}
				}()
				return 0, aio.Sleep(ctx, time.Hour)
			})
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			w.Cancel(nil)
			_, err = w.Await(ctx)
			if !ktIsCancel(err) {
				t.Errorf("Await = %v, want the cancellation", err)
			}
			if cleaned != 4*time.Second {
				t.Errorf("cleanup finished at %v, want 4s (cancel at 1s, then 2s and 1s shielded)", cleaned)
			}
			return nil
		})
	})
	t.Run("a cancellation arriving during a shielded await does not interrupt it", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			cause := errors.New("stop")
			var shieldedErr, nextErr error
			var at time.Duration
			w, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				shieldedErr = aio.Sleep(aio.Shield(ctx), 3*time.Second)
				at = ktSince(ctx, t0)
				nextErr = aio.Sleep(ctx, time.Second)
				return 0, nextErr
			})
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			w.Cancel(cause)
			w.Await(ctx)
			if shieldedErr != nil || at != 3*time.Second {
				t.Errorf("shielded Sleep(3s) = %v at %v; want nil at 3s", shieldedErr, at)
			}
			if c, ok := ktCause(nextErr); !ok || c != cause {
				t.Errorf("next plain await = %v, want a cancellation with the cause", nextErr)
			}
			return nil
		})
	})
	t.Run("a Timeout's deadline does not interrupt a shielded await inside it", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			var shieldedErr error
			var at time.Duration
			err := aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				shieldedErr = aio.Sleep(aio.Shield(ctx), 2*time.Second)
				at = ktSince(ctx, t0)
				return aio.Sleep(ctx, time.Hour)
			})
			if shieldedErr != nil || at != 2*time.Second {
				t.Errorf("shielded Sleep(2s) in a 1s Timeout = %v at %v; want nil at 2s", shieldedErr, at)
			}
			if !errors.Is(err, aio.ErrTimeout) {
				t.Errorf("Timeout = %v, want ErrTimeout", err)
			}
			return nil
		})
	})
}

func TestDerivedContextCancelsOnlyTheAwaitThatUsesIt(t *testing.T) {
	t.Run("cancelled by the task itself before the await", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			cause := errors.New("not this one")
			sub, cancel := context.WithCancelCause(ctx)
			cancel(cause)
			err := aio.Sleep(sub, time.Hour)
			if c, ok := ktCause(err); !ok || c != cause || !ktIsCancel(err) {
				t.Errorf("Sleep(derived ctx) = %v, want a cancellation with the cause", err)
			}
			if got := ktSince(ctx, t0); got != 0 {
				t.Errorf("the cancelled await took %v, want 0", got)
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				t.Errorf("the next await with the task's context = %v, want nil", err)
			}
			if ctx.Err() != nil {
				t.Errorf("the task's context: Err = %v, want nil", ctx.Err())
			}
			return nil
		})
	})
	t.Run("cancelled by another task while the await is parked", func(t *testing.T) {
		// Everything happens on the loop: on the virtual clock the run is
		// deterministic and the await fails at the very time of the cancel.
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			cause := errors.New("not this one")
			var cancel context.CancelCauseFunc
			var err1, err2 error
			var at time.Duration
			w, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				var sub context.Context
				sub, cancel = context.WithCancelCause(ctx)
				defer cancel(nil)
				err1 = aio.Sleep(sub, time.Hour)
				at = ktSince(ctx, t0)
				err2 = aio.Sleep(ctx, time.Second)
				return 0, nil
			})
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			cancel(cause)
			w.Await(ctx)
			if c, ok := ktCause(err1); !ok || c != cause || at != time.Second {
				t.Errorf("Sleep(derived ctx, 1h) = %v at %v; want a cancellation with the cause at 1s", err1, at)
			}
			if err2 != nil {
				t.Errorf("the next await with the task's context = %v, want nil", err2)
			}
			return nil
		})
	})
	for _, clk := range ktClocks {
		t.Run("cancelled from another goroutine "+clk.name, func(t *testing.T) {
			err := ktRunErr(func(ctx context.Context) error {
				cause := errors.New("from outside")
				sub, cancel := context.WithCancelCause(ctx)
				defer cancel(nil)
				start := make(chan struct{})
				finished := make(chan struct{})
				go func() {
					defer close(finished)
					<-start
					cancel(cause)
				}()
				close(start)
				_, err := aio.NewFuture[int]().Await(sub)
				if c, ok := ktCause(err); !ok || c != cause || !ktIsCancel(err) {
					t.Errorf("Future.Await(derived ctx) = %v, want a cancellation with the cause", err)
				}
				<-finished
				if err := aio.Sleep(ctx, time.Millisecond); err != nil {
					t.Errorf("the next await with the task's context = %v, want nil", err)
				}
				return nil
			}, clk.opts...)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		})
	}
}

func TestOutsideContextCancelsTheMainTask(t *testing.T) {
	for _, clk := range ktClocks {
		t.Run("cancelled from another goroutine while main waits "+clk.name, func(t *testing.T) {
			cause := errors.New("request ended")
			outer, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			start := make(chan struct{})
			finished := make(chan struct{})
			go func() {
				defer close(finished)
				<-start
				cancel(cause)
			}()
			var childErr error
			_, err := aio.Run(func(ctx context.Context) (int, error) {
				child, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					return aio.NewFuture[int]().Await(ctx)
				})
				if err != nil {
					return 0, err
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return 0, err
				}
				close(start)
				_, err = aio.NewFuture[int]().Await(ctx)
				if context.Cause(ctx) != cause {
					t.Errorf("context.Cause(main's ctx) = %v, want the outside cause", context.Cause(ctx))
				}
				_, childErr = child.Await(aio.Shield(ctx))
				return 0, err
			}, append(clk.opts, aio.WithContext(outer))...)
			<-finished
			if c, ok := ktCause(err); !ok || c != cause || !ktIsCancel(err) {
				t.Errorf("Run = %v, want main's cancellation with the outside cause", err)
			}
			if c, ok := ktCause(childErr); !ok || c != cause {
				t.Errorf("main's child ended with %v, want a cancellation with the outside cause", childErr)
			}
		})
	}
	t.Run("cancelled before Run", func(t *testing.T) {
		cause := errors.New("already over")
		outer, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		_, err := aio.Run(func(ctx context.Context) (int, error) {
			return 1, aio.Sleep(ctx, time.Hour)
		}, aio.WithVirtualClock(), aio.WithContext(outer))
		if c, ok := ktCause(err); !ok || c != cause {
			t.Fatalf("Run = %v, want a cancellation with the outside cause", err)
		}
	})
	t.Run("its values are visible to every task", func(t *testing.T) {
		outer := context.WithValue(context.Background(), ktKey{}, "request-42")
		ktRun(t, func(ctx context.Context) error {
			if v := ctx.Value(ktKey{}); v != "request-42" {
				t.Errorf("main sees %v", v)
			}
			child, err := aio.CreateTask(ctx, func(ctx context.Context) (any, error) { return ctx.Value(ktKey{}), nil })
			if err != nil {
				return err
			}
			if v, _ := child.Await(ctx); v != "request-42" {
				t.Errorf("a child sees %v", v)
			}
			return nil
		}, aio.WithContext(outer))
	})
}

func TestAResultArrivingInTheSameStepAsTheCancellationIsDelivered(t *testing.T) {
	cause := errors.New("stop")
	cases := []struct {
		name string
		// setup starts w (through start) and arranges for the result
		// and the cancellation to reach it in the same step.
		setup func(ctx context.Context, start func(await func(ctx context.Context) (int, error)) *aio.Task[int]) error
	}{
		{"a future set, then the task cancelled, in one callback", func(ctx context.Context, start func(func(context.Context) (int, error)) *aio.Task[int]) error {
			f := aio.NewFuture[int]()
			w := start(f.Await)
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			_, err := aio.CallSoon(ctx, func() { f.SetResult(7); w.Cancel(cause) })
			return err
		}},
		{"the task cancelled, then a future set, in one callback", func(ctx context.Context, start func(func(context.Context) (int, error)) *aio.Task[int]) error {
			f := aio.NewFuture[int]()
			w := start(f.Await)
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			_, err := aio.CallSoon(ctx, func() { w.Cancel(cause); f.SetResult(7) })
			return err
		}},
		{"an awaited task that finishes just before the cancellation", func(ctx context.Context, start func(func(context.Context) (int, error)) *aio.Task[int]) error {
			x, err := aio.CreateTask(ctx, ktSleeper(time.Second, 7))
			if err != nil {
				return err
			}
			w := start(x.Await)
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			// Armed after x's timer, with the same deadline: it runs after
			// x has finished and woken w, before w resumes.
			_, err = aio.CallLater(ctx, time.Second, func() { w.Cancel(cause) })
			return err
		}},
		{"a Sleep whose deadline comes in the same step as the cancellation", func(ctx context.Context, start func(func(context.Context) (int, error)) *aio.Task[int]) error {
			var w *aio.Task[int]
			// Armed before w's timer: both fire in the same step, the
			// callback first.
			if _, err := aio.CallLater(ctx, time.Second, func() { w.Cancel(cause) }); err != nil {
				return err
			}
			w = start(ktSleeper(time.Second, 7))
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var w *aio.Task[int]
				var got int
				var gotErr, next error
				start := func(await func(ctx context.Context) (int, error)) *aio.Task[int] {
					var err error
					w, err = aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
						got, gotErr = await(ctx)
						next = aio.Sleep(ctx, 0)
						return got, next
					})
					if err != nil {
						t.Errorf("CreateTask: %v", err)
					}
					return w
				}
				if err := c.setup(ctx, start); err != nil {
					return err
				}
				w.Await(ctx)
				if got != 7 || gotErr != nil {
					t.Errorf("the await returned %v, %v; want the result 7, nil", got, gotErr)
				}
				if cse, ok := ktCause(next); !ok || cse != cause {
					t.Errorf("the next await = %v, want the cancellation with its cause", next)
				}
				return nil
			})
		})
	}
}
