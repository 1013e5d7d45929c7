package aio_test

// TaskGroup, after CPython's Lib/test/test_asyncio/test_taskgroups.py
// (test_taskgroup_01..20, test_cancel_children_on_child_error,
// test_cancellation, test_cancellation_in_body) and trio's nursery tests in
// trio/_core/_tests/test_run.py (test_nursery_start, test_nursery_closure,
// cancel_scope.cancel()); and Run's shutdown, which owns the tasks that no
// group owns (asyncio.run's cancel-leftovers step).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// groupTestError is a typed error for errors.As through a GroupError.
type groupTestError struct{ code int }

func (e *groupTestError) Error() string { return fmt.Sprintf("group test error %d", e.code) }

// groupPanickingChild panics; its name must appear in the PanicError's stack.
//
//go:noinline
func groupPanickingChild(context.Context) error { panic("child exploded") }

// groupErrs returns the errors of err's *GroupError, failing if it is not one.
func groupErrs(t *testing.T, err error) []error {
	t.Helper()
	var ge *aio.GroupError
	if !errors.As(err, &ge) {
		t.Errorf("error %v (%T) is not a *aio.GroupError", err, err)
		return nil
	}
	return ge.Errs
}

func TestTaskGroupWaitsForAllItsTasks(t *testing.T) {
	t.Run("the group returns when its last task has finished", func(t *testing.T) {
		var finished []time.Duration
		var at time.Duration
		runVirtualMain(t, func(ctx context.Context) error {
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				for _, d := range []time.Duration{3 * time.Second, time.Second, 2 * time.Second} {
					tg.Go(func(ctx context.Context) error {
						err := aio.Sleep(ctx, d)
						finished = append(finished, loopTime(ctx))
						return err
					})
				}
				return nil
			})
			at = loopTime(ctx)
			return err
		})
		if !slices.Equal(finished, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}) || at != 3*time.Second {
			t.Errorf("tasks finished at %v, the group returned at %v; want 1s 2s 3s and 3s", finished, at)
		}
	})
	t.Run("tasks started from the body after an await and from other tasks are waited for", func(t *testing.T) {
		var ended []string
		var at time.Duration
		runVirtualMain(t, func(ctx context.Context) error {
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					aio.Sleep(ctx, time.Second)
					return tg.Go(func(ctx context.Context) error {
						err := aio.Sleep(ctx, 5*time.Second)
						ended = append(ended, "grandchild")
						return err
					})
				})
				if err := aio.Sleep(ctx, 2*time.Second); err != nil {
					return err
				}
				return tg.Go(func(ctx context.Context) error {
					err := aio.Sleep(ctx, time.Second)
					ended = append(ended, "late child")
					return err
				})
			})
			at = loopTime(ctx)
			return err
		})
		if !slices.Equal(ended, []string{"late child", "grandchild"}) || at != 6*time.Second {
			t.Errorf("ended %v, group returned at %v; want [late child grandchild] and 6s", ended, at)
		}
	})
	t.Run("a task may start another after the body has returned", func(t *testing.T) {
		// trio's test_nursery_closure: the group is still open while it
		// waits for its tasks.
		var at time.Duration
		var goErr error
		runVirtualMain(t, func(ctx context.Context) error {
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					aio.Sleep(ctx, time.Second)
					goErr = tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Second) })
					return nil
				})
				return nil
			})
			at = loopTime(ctx)
			return err
		})
		if goErr != nil || at != 2*time.Second {
			t.Errorf("Go from a task while the group waits = %v, group returned at %v; want nil and 2s", goErr, at)
		}
	})
}

func TestTaskGroupFirstErrorCancelsTheOthersAndTheBody(t *testing.T) {
	boom := errors.New("boom")
	var (
		siblingCause, bodyCause error
		bodyErr                 error
		siblingCleaned          bool
		groupErr                error
		at                      time.Duration
	)
	runVirtualMain(t, func(ctx context.Context) error {
		groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				defer func() {
					aio.Sleep(aio.Shield(ctx), time.Second)
					siblingCleaned = true
				}()
				err := aio.Sleep(ctx, time.Hour)
				siblingCause = context.Cause(ctx)
				return err
			})
			tg.Go(func(ctx context.Context) error {
				aio.Sleep(ctx, time.Second)
				return boom
			})
			bodyErr = aio.Sleep(ctx, time.Hour)
			bodyCause = context.Cause(ctx)
			return bodyErr
		})
		at = loopTime(ctx)
		return nil
	})
	if siblingCause != boom || bodyCause != boom {
		t.Errorf("causes seen: sibling %v, body %v; want boom for both", siblingCause, bodyCause)
	}
	var ce *aio.CancelledError
	if !errors.As(bodyErr, &ce) || ce.Cause != boom {
		t.Errorf("the body's await = %v, want a *CancelledError caused by boom", bodyErr)
	}
	if errs := groupErrs(t, groupErr); len(errs) != 1 || errs[0] != boom {
		t.Errorf("group errors = %v, want only boom (cancellations are not errors)", errs)
	}
	if !siblingCleaned || at != 2*time.Second {
		t.Errorf("group returned at %v, sibling cleaned up: %v; want 2s, after the cleanup", at, siblingCleaned)
	}
}

func TestTaskGroupErrorHoldsEveryRealError(t *testing.T) {
	e1, e2 := &groupTestError{1}, &groupTestError{2}
	cases := []struct {
		name string
		body func(ctx context.Context, tg *aio.TaskGroup) error
	}{
		{"two tasks failing in the same step are both kept", func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { aio.Sleep(ctx, time.Second); return e1 })
			tg.Go(func(ctx context.Context) error { aio.Sleep(ctx, time.Second); return e2 })
			return nil
		}},
		{"an error from a cancelled task's cleanup is kept", func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { aio.Sleep(ctx, time.Second); return e1 })
			tg.Go(func(ctx context.Context) error {
				if err := aio.Sleep(ctx, time.Hour); err != nil {
					return e2
				}
				return nil
			})
			return nil
		}},
		{"the body's error after its cancellation is kept with the task's", func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { aio.Sleep(ctx, time.Second); return e1 })
			if err := aio.Sleep(ctx, time.Hour); err != nil {
				return e2
			}
			return nil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			runVirtualMain(t, func(ctx context.Context) error {
				err = aio.WithTaskGroup(ctx, tc.body)
				return nil
			})
			errs := groupErrs(t, err)
			if len(errs) != 2 || errs[0] != e1 || errs[1] != e2 {
				t.Errorf("group errors = %v, want [e1 e2] in the order they happened", errs)
			}
			if !errors.Is(err, e1) || !errors.Is(err, e2) {
				t.Errorf("errors.Is does not reach each error of %v", err)
			}
			var te *groupTestError
			if !errors.As(err, &te) || te != e1 {
				t.Errorf("errors.As found %v, want e1", te)
			}
		})
	}
}

func TestTaskGroupOutsideCancellationIsAPlainCancellation(t *testing.T) {
	stop := errors.New("stop")
	// inTask runs a group in a task that is cancelled with stop at 1s, and
	// returns the group's error.
	inTask := func(t *testing.T, body func(ctx context.Context, tg *aio.TaskGroup) error) error {
		var err error
		runVirtualMain(t, func(ctx context.Context) error {
			task := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
				return 0, aio.WithTaskGroup(ctx, body)
			})
			aio.CallLater(ctx, time.Second, func() { task.Cancel(stop) })
			_, err = task.Await(ctx)
			return nil
		})
		return err
	}
	plain := func(t *testing.T, err error) {
		t.Helper()
		var ge *aio.GroupError
		var ce *aio.CancelledError
		if errors.As(err, &ge) || !errors.As(err, &ce) || ce.Cause != stop {
			t.Errorf("group error = %v (%T), want a plain *CancelledError caused by stop", err, err)
		}
	}
	t.Run("the tasks and the body are cancelled and the error is a cancellation, not a group", func(t *testing.T) {
		var cancelled int
		err := inTask(t, func(ctx context.Context, tg *aio.TaskGroup) error {
			for range 5 {
				tg.Go(func(ctx context.Context) error {
					err := aio.Sleep(ctx, time.Hour)
					if errors.Is(err, aio.ErrCancelled) && context.Cause(ctx) == stop {
						cancelled++
					}
					return err
				})
			}
			err := aio.Sleep(ctx, time.Hour)
			if errors.Is(err, aio.ErrCancelled) {
				cancelled += 10
			}
			return err
		})
		plain(t, err)
		if cancelled != 15 {
			t.Errorf("cancelled count = %d, want 15 (5 tasks and the body)", cancelled)
		}
	})
	t.Run("a body that returns nil still gives the cancellation", func(t *testing.T) {
		err := inTask(t, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
			return nil
		})
		plain(t, err)
	})
	t.Run("nested groups give a plain cancellation too", func(t *testing.T) {
		err := inTask(t, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
				return aio.Sleep(ctx, time.Hour)
			})
		})
		plain(t, err)
	})
	t.Run("a cancellation through a context.WithCancelCause of the task's context", func(t *testing.T) {
		var err, childErr error
		runVirtualMain(t, func(ctx context.Context) error {
			cctx, cancel := context.WithCancelCause(ctx)
			defer cancel(nil)
			aio.CallSoon(ctx, func() { cancel(stop) })
			err = aio.WithTaskGroup(cctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					_, childErr = aio.NewFuture[int]().Await(ctx) // no timer: the clock stands still
					return childErr
				})
				return nil
			})
			return nil
		})
		if !errors.Is(childErr, aio.ErrCancelled) {
			t.Errorf("the task's await = %v, want a cancellation", childErr)
		}
		plain(t, err)
	})
	t.Run("real errors win over an outside cancellation", func(t *testing.T) {
		mine := errors.New("mine")
		err := inTask(t, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
			if err := aio.Sleep(ctx, time.Hour); err != nil {
				return mine // test_taskgroup_18: "not a good idea, but supported"
			}
			return nil
		})
		if errs := groupErrs(t, err); len(errs) != 1 || errs[0] != mine {
			t.Errorf("group errors = %v, want [mine]", errs)
		}
	})
}

func TestTaskGroupTurnsAPanicIntoAPanicErrorWithTheTaskStack(t *testing.T) {
	var err error
	runVirtualMain(t, func(ctx context.Context) error {
		err = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
			return tg.Go(groupPanickingChild, aio.WithName("exploder"))
		})
		return nil
	})
	errs := groupErrs(t, err)
	var pe *aio.PanicError
	if len(errs) != 1 || !errors.As(errs[0], &pe) {
		t.Fatalf("group errors = %v, want one *PanicError", errs)
	}
	if pe.Value != "child exploded" || pe.Task != "exploder" {
		t.Errorf("PanicError = value %v, task %q", pe.Value, pe.Task)
	}
	if !bytes.Contains(pe.Stack, []byte("groupPanickingChild")) {
		t.Errorf("the stack does not show the panicking function:\n%s", pe.Stack)
	}
}

func TestTaskGroupRejectsNewTasksAfterItFinishedOrFailed(t *testing.T) {
	t.Run("Go, Spawn and Start after the group has finished", func(t *testing.T) {
		ran := false
		fn := func(context.Context) error { ran = true; return nil }
		var errs []error
		runVirtualMain(t, func(ctx context.Context) error {
			var kept *aio.TaskGroup
			if err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				kept = tg
				return tg.Go(fn)
			}); err != nil {
				return err
			}
			ran = false
			_, spawnErr := aio.Spawn(kept, func(context.Context) (int, error) { ran = true; return 0, nil })
			startErr := kept.Start(ctx, func(ctx context.Context, started func()) error { ran = true; started(); return nil })
			errs = []error{kept.Go(fn), spawnErr, startErr}
			return aio.Sleep(ctx, time.Second)
		})
		for i, err := range errs {
			if !errors.Is(err, aio.ErrInvalidState) {
				t.Errorf("call %d = %v, want an error wrapping ErrInvalidState", i, err)
			}
		}
		if ran {
			t.Error("a function given to a finished group ran")
		}
	})
	t.Run("Go and Spawn after a failure while the body still runs", func(t *testing.T) {
		ran := false
		var goErr, spawnErr error
		runVirtualMain(t, func(ctx context.Context) error {
			aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error { return errors.New("failed") })
				err := aio.Sleep(ctx, time.Hour)
				goErr = tg.Go(func(context.Context) error { ran = true; return nil })
				_, spawnErr = aio.Spawn(tg, func(context.Context) (int, error) { ran = true; return 0, nil })
				return err
			})
			return nil
		})
		if !errors.Is(goErr, aio.ErrInvalidState) || !errors.Is(spawnErr, aio.ErrInvalidState) {
			t.Errorf("Go = %v, Spawn = %v; want errors wrapping ErrInvalidState", goErr, spawnErr)
		}
		if ran {
			t.Error("a function given to a failed group ran")
		}
	})
}

func TestTaskGroupCancelCancelsTheTasksAndTheBodyAndReturnsNil(t *testing.T) {
	enough := errors.New("enough")
	t.Run("Cancel from a task", func(t *testing.T) {
		var causes []error
		var groupErr error
		var at time.Duration
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					err := aio.Sleep(ctx, time.Hour)
					causes = append(causes, context.Cause(ctx))
					return err
				})
				tg.Go(func(ctx context.Context) error {
					aio.Sleep(ctx, time.Second)
					tg.Cancel(enough)
					return nil
				})
				err := aio.Sleep(ctx, time.Hour)
				causes = append(causes, context.Cause(ctx))
				return err
			})
			at = loopTime(ctx)
			return nil
		})
		if groupErr != nil {
			t.Errorf("WithTaskGroup = %v, want nil after Cancel", groupErr)
		}
		if !slices.Equal(causes, []error{enough, enough}) || at != time.Second {
			t.Errorf("causes %v at %v; want the task and the body cancelled by enough at 1s", causes, at)
		}
	})
	t.Run("Cancel from the body", func(t *testing.T) {
		var groupErr error
		var tasks []*aio.Task[int]
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				a, _ := aio.Spawn(tg, sleepThen(time.Hour, 1, nil))
				b, _ := aio.Spawn(tg, sleepThen(time.Hour, 2, nil))
				tasks = []*aio.Task[int]{a, b}
				aio.Sleep(ctx, time.Second)
				tg.Cancel(nil)
				return aio.Sleep(ctx, time.Hour)
			})
			return nil
		})
		if groupErr != nil {
			t.Errorf("WithTaskGroup = %v, want nil after Cancel", groupErr)
		}
		for _, task := range tasks {
			if !task.Cancelled() {
				t.Errorf("task %v was not cancelled", task.Name())
			}
		}
	})
	t.Run("an error wins over Cancel", func(t *testing.T) {
		boom := errors.New("boom")
		var groupErr error
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					aio.Sleep(ctx, time.Hour)
					return boom // fails in its cleanup
				})
				aio.Sleep(ctx, time.Second)
				tg.Cancel(enough)
				return aio.Sleep(ctx, time.Hour)
			})
			return nil
		})
		if errs := groupErrs(t, groupErr); len(errs) != 1 || errs[0] != boom {
			t.Errorf("group errors = %v, want [boom]", errs)
		}
	})
}

func TestTaskGroupStartWaitsUntilTheTaskHasStarted(t *testing.T) {
	t.Run("Start returns when the task calls started, not before and not when it ends", func(t *testing.T) {
		var log []string
		runVirtualMain(t, func(ctx context.Context) error {
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				err := tg.Start(ctx, func(ctx context.Context, started func()) error {
					aio.Sleep(ctx, time.Second)
					log = append(log, fmt.Sprint("ready at ", loopTime(ctx)))
					started()
					log = append(log, "child goes on")
					aio.Sleep(ctx, time.Second)
					log = append(log, fmt.Sprint("child done at ", loopTime(ctx)))
					return nil
				})
				log = append(log, fmt.Sprint("Start returned ", err, " at ", loopTime(ctx)))
				return err
			})
			log = append(log, fmt.Sprint("group returned ", err, " at ", loopTime(ctx)))
			return nil
		})
		want := []string{"ready at 1s", "child goes on", "Start returned <nil> at 1s", "child done at 2s", "group returned <nil> at 2s"}
		if !slices.Equal(log, want) {
			t.Errorf("log =\n%q\nwant\n%q", log, want)
		}
	})
	t.Run("an error before started comes out of Start and does not fail the group", func(t *testing.T) {
		boom := errors.New("boom")
		var startErr, groupErr, siblingErr error
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					siblingErr = aio.Sleep(ctx, 2*time.Second)
					return siblingErr
				})
				startErr = tg.Start(ctx, func(ctx context.Context, started func()) error {
					aio.Sleep(ctx, time.Second)
					return boom
				})
				return tg.Go(func(context.Context) error { return nil })
			})
			return nil
		})
		if !errors.Is(startErr, boom) {
			t.Errorf("Start = %v, want boom", startErr)
		}
		if groupErr != nil || siblingErr != nil {
			t.Errorf("group = %v, sibling = %v; want both nil: the failed start is not the group's", groupErr, siblingErr)
		}
	})
	t.Run("a panic before started comes out of Start as a *PanicError and does not fail the group", func(t *testing.T) {
		// trio: whatever the task raises before started comes out of
		// start(); DESIGN.md: a panic travels like any error.
		var startErr, groupErr error
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				startErr = tg.Start(ctx, func(context.Context, func()) error { panic("not ready") })
				return nil
			})
			return nil
		})
		var pe *aio.PanicError
		if !errors.As(startErr, &pe) || pe.Value != "not ready" {
			t.Errorf("Start = %v, want the task's *PanicError", startErr)
		}
		if groupErr != nil {
			t.Errorf("group = %v, want nil: the failed start is Start's, not the group's", groupErr)
		}
	})
	t.Run("a task that returns without calling started makes Start fail", func(t *testing.T) {
		var startErr, groupErr error
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				startErr = tg.Start(ctx, func(context.Context, func()) error { return nil })
				return nil
			})
			return nil
		})
		if startErr == nil || groupErr != nil {
			t.Errorf("Start = %v, group = %v; want an error and nil", startErr, groupErr)
		}
	})
	t.Run("an error after started fails the group", func(t *testing.T) {
		boom := errors.New("boom")
		var startErr, groupErr error
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				startErr = tg.Start(ctx, func(ctx context.Context, started func()) error {
					started()
					aio.Sleep(ctx, time.Second)
					return boom
				})
				return aio.Sleep(ctx, time.Hour)
			})
			return nil
		})
		if startErr != nil {
			t.Errorf("Start = %v, want nil", startErr)
		}
		if errs := groupErrs(t, groupErr); len(errs) != 1 || errs[0] != boom {
			t.Errorf("group errors = %v, want [boom]", errs)
		}
	})
}

func TestTaskGroupBodyErrorCancelsTheTasksAndIsInTheGroupError(t *testing.T) {
	boom := errors.New("boom")
	for _, await := range []bool{true, false} {
		name := "an error returned before any await"
		if await {
			name = "an error returned after an await"
		}
		t.Run(name, func(t *testing.T) {
			var tasks []*aio.Task[int]
			var err error
			runVirtualMain(t, func(ctx context.Context) error {
				err = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					t1, _ := aio.Spawn(tg, sleepThen(time.Second, 42, nil))
					t2, _ := aio.Spawn(tg, sleepThen(2*time.Second, 11, nil))
					tasks = []*aio.Task[int]{t1, t2}
					if await {
						aio.Sleep(ctx, 100*time.Millisecond)
					}
					return boom
				})
				return nil
			})
			if errs := groupErrs(t, err); len(errs) != 1 || errs[0] != boom {
				t.Errorf("group errors = %v, want [boom]", errs)
			}
			for _, task := range tasks {
				if !task.Cancelled() {
					t.Errorf("task %v not cancelled", task.Name())
				}
			}
		})
	}
}

func TestSpawnReturnsATaskWhoseResultIsReadableAfterTheGroup(t *testing.T) {
	var t1, t2, t3 *aio.Task[int]
	runVirtualMain(t, func(ctx context.Context) error {
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			t1, _ = aio.Spawn(tg, sleepThen(time.Second, 42, nil))
			t3, _ = aio.Spawn(tg, sleepThen(time.Hour, 0, nil))
			aio.Sleep(ctx, 1500*time.Millisecond)
			t3.Cancel(nil) // test_taskgroup_03: cancelling one task is not a failure
			t2, _ = aio.Spawn(tg, sleepThen(time.Second, 11, nil))
			return nil
		})
	})
	for _, c := range []struct {
		task *aio.Task[int]
		want int
	}{{t1, 42}, {t2, 11}} {
		if v, err := c.task.Result(); v != c.want || err != nil {
			t.Errorf("Result = %v, %v; want %v, nil", v, err, c.want)
		}
	}
	if !t3.Cancelled() {
		t.Error("the task cancelled on its own is not Cancelled")
	}
}

func TestRunShutdownCancelsLeftoverTasksWaitsForThemAndReportsTheirErrors(t *testing.T) {
	mainErr := errors.New("main failed")
	cleanupErr := errors.New("cleanup failed")
	earlyErr := errors.New("early failure")
	var (
		causes    []error
		cleanedAt time.Duration
	)
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		aio.Go(ctx, func(ctx context.Context) error {
			defer func() {
				// Cleanup that awaits under a shield: shutdown waits for it.
				aio.Sleep(aio.Shield(ctx), time.Second)
				cleanedAt = loopTime(ctx)
			}()
			err := aio.Sleep(ctx, time.Hour)
			causes = append(causes, context.Cause(ctx))
			return err
		}, aio.WithName("sleeper"))
		aio.Go(ctx, func(ctx context.Context) error {
			aio.Sleep(ctx, time.Hour)
			causes = append(causes, context.Cause(ctx))
			return cleanupErr
		}, aio.WithName("bad-cleanup"))
		aio.Go(ctx, func(context.Context) error { return earlyErr }, aio.WithName("early"))
		aio.Sleep(ctx, time.Second)
		return 0, mainErr
	}, aio.WithVirtualClock())

	if !slices.Equal(causes, []error{aio.ErrLoopShutdown, aio.ErrLoopShutdown}) {
		t.Errorf("leftover tasks saw causes %v, want ErrLoopShutdown twice", causes)
	}
	if cleanedAt != 2*time.Second {
		t.Errorf("the shielded cleanup finished at %v, want 2s (it was waited for)", cleanedAt)
	}
	if !errors.Is(err, mainErr) || !errors.Is(err, cleanupErr) || !errors.Is(err, earlyErr) {
		t.Fatalf("Run error = %v, want main's error joined with both task errors", err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Run error %T does not unwrap to several errors", err)
	}
	tasks := map[string]error{}
	for _, e := range joined.Unwrap() {
		var te *aio.TaskError
		if errors.As(e, &te) {
			tasks[te.Task] = te.Err
		}
		if errors.Is(e, aio.ErrCancelled) {
			t.Errorf("Run reported a cancellation: %v", e)
		}
	}
	if len(tasks) != 2 || tasks["bad-cleanup"] != cleanupErr || tasks["early"] != earlyErr {
		t.Errorf("task errors = %v, want bad-cleanup and early as *TaskError", tasks)
	}
}

func TestRunLeavesAClosedLoopBehind(t *testing.T) {
	var kept context.Context
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		kept = ctx
		aio.Go(ctx, func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
		return 0, nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	// No goroutine of the loop is left: TestMain's leak check fails the
	// package otherwise.
	if err := aio.Sleep(kept, 0); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Sleep with a kept context = %v, want ErrLoopClosed", err)
	}
	if _, err := aio.CreateTask(kept, sleepThen(0, 0, nil)); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("CreateTask with a kept context = %v, want ErrLoopClosed", err)
	}
	if _, err := aio.CallSoon(kept, func() {}); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("CallSoon with a kept context = %v, want ErrLoopClosed", err)
	}
	if _, err := aio.NewFuture[int]().Await(kept); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Future.Await with a kept context = %v, want ErrLoopClosed", err)
	}
}
