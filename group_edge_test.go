package aio_test

// Edge cases of task groups, after CPython's
// Lib/test/test_asyncio/test_taskgroups.py (test_cancel_children_on_child_error,
// test_taskgroup_cancel_before_exit, test_taskgroup_22 "is finished",
// test_taskgroup_23 "is shutting down", test_taskgroup_without_parent_task)
// and trio's _core/_tests/test_run.py (test_child_crash_wakes_parent,
// test_two_child_crashes, test_cancel_inheritance, test_precancelled_task,
// test_nursery_start_with_cancelled_nursery): no error is lost, not even one
// joined to a cancellation; an outside cancellation comes out as one; a
// group that shuts down or has finished takes no new work, and nothing that
// waits on it waits for ever.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestAChildFailingWhileTheBodyRunsCancelsTheBodyAndTheSiblingsAndNoErrorIsLost(t *testing.T) {
	first := errors.New("first")
	cleanup := errors.New("cleanup failed")
	closeErr := errors.New("close failed")
	late := errors.New("body failed after its cancellation")
	var groupErr error
	var bodyCause error
	runVirtualMain(t, func(ctx context.Context) error {
		groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				aio.Sleep(ctx, time.Second)
				return first
			})
			tg.Go(func(ctx context.Context) error {
				if err := aio.Sleep(ctx, time.Hour); err != nil {
					return cleanup // a real error, raised while being cancelled
				}
				return nil
			})
			tg.Go(func(ctx context.Context) error {
				// The usual Go shape: the await's error and the cleanup's.
				return errors.Join(aio.Sleep(ctx, time.Hour), closeErr)
			})
			tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
			err := aio.Sleep(ctx, time.Hour)
			bodyCause = context.Cause(ctx)
			if err != nil {
				return late
			}
			return nil
		})
		return nil
	})
	errs := groupErrs(t, groupErr)
	if len(errs) != 4 || errs[0] != first {
		t.Fatalf("group errors = %v, want 4 with the first failure first", errs)
	}
	for _, want := range []error{cleanup, closeErr, late} {
		if !errors.Is(groupErr, want) {
			t.Errorf("the group error %v lost %q", groupErr, want)
		}
	}
	if bodyCause != first {
		t.Errorf("the body was cancelled with the cause %v, want the first failure", bodyCause)
	}
}

func TestAPanicIsNeverTakenForACancellation(t *testing.T) {
	// A task that panics with a cancellation (panic(ctx.Err()), a must()
	// helper) crashed: its *PanicError fails the group, and a task of the
	// loop that does so is reported by Run, not dropped as cancelled.
	t.Run("in a group", func(t *testing.T) {
		var groupErr error
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error { panic(context.Canceled) }, aio.WithName("must"))
				return aio.Sleep(ctx, time.Hour)
			})
			return nil
		})
		var pe *aio.PanicError
		if !errors.As(groupErr, &pe) || pe.Task != "must" {
			t.Errorf("group = %v, want the task's *PanicError", groupErr)
		}
	})
	t.Run("in a task of the loop", func(t *testing.T) {
		var cancelled bool
		_, err := aio.Run(func(ctx context.Context) (int, error) {
			task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { panic(context.Canceled) })
			if err != nil {
				return 0, err
			}
			err = aio.Sleep(ctx, time.Second)
			cancelled = task.Cancelled()
			return 0, err
		}, aio.WithVirtualClock())
		var pe *aio.PanicError
		if cancelled || !errors.As(err, &pe) {
			t.Errorf("Cancelled() = %v, Run = %v; want false and the unretrieved *PanicError", cancelled, err)
		}
	})
}

func TestAGroupCancelledFromOutsideWhileItWaitsReportsTheCancellationAndCancelsItsChildren(t *testing.T) {
	stop := errors.New("stop")
	t.Run("by a Task.Cancel of its owner", func(t *testing.T) {
		var groupErr error
		var causes []error
		var returnedAt time.Duration
		var owner *aio.Task[int]
		runVirtualMain(t, func(ctx context.Context) error {
			owner = newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
				groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					tg.Go(func(ctx context.Context) error {
						err := aio.Sleep(ctx, time.Hour)
						causes = append(causes, context.Cause(ctx))
						return err
					})
					tg.Go(func(ctx context.Context) error {
						// Ignores the cancellation after a shielded cleanup.
						aio.Sleep(ctx, time.Hour)
						causes = append(causes, context.Cause(ctx))
						aio.Sleep(aio.Shield(ctx), 2*time.Second)
						return nil
					})
					return nil // the group now waits for its tasks
				})
				returnedAt = loopTime(ctx)
				return 0, groupErr
			})
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			owner.Cancel(stop)
			owner.Await(ctx)
			return nil
		})
		var ge *aio.GroupError
		if c, ok := ktCause(groupErr); !ok || c != stop || errors.As(groupErr, &ge) {
			t.Errorf("group = %v (%T), want a plain cancellation caused by stop", groupErr, groupErr)
		}
		if len(causes) != 2 || causes[0] != stop || causes[1] != stop {
			t.Errorf("the children saw the causes %v, want stop twice", causes)
		}
		if returnedAt != 3*time.Second || !owner.Cancelled() {
			t.Errorf("the group returned at %v, its owner Cancelled=%v; want 3s (after the shielded cleanup) and true", returnedAt, owner.Cancelled())
		}
	})
	t.Run("by the deadline of a Timeout around it", func(t *testing.T) {
		var groupErr, timeoutErr error
		runVirtualMain(t, func(ctx context.Context) error {
			timeoutErr = aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
					return nil
				})
				return groupErr
			})
			return nil
		})
		if c, ok := ktCause(groupErr); !ok || c != aio.ErrTimeout || errors.Is(groupErr, aio.ErrTimeout) {
			t.Errorf("group = %v, want a cancellation caused by the deadline, not the timeout itself", groupErr)
		}
		if !errors.Is(timeoutErr, aio.ErrTimeout) {
			t.Errorf("Timeout = %v, want ErrTimeout", timeoutErr)
		}
	})
}

func TestATaskSpawnedWhileTheGroupShutsDownIsRefusedOrBornCancelled(t *testing.T) {
	t.Run("after a failure, from a sibling in its cleanup and from outside the group", func(t *testing.T) {
		ran := false
		fn := func(context.Context) error { ran = true; return nil }
		var fromSibling, fromOutside error
		runVirtualMain(t, func(ctx context.Context) error {
			var kept *aio.TaskGroup
			outside := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
				aio.Sleep(ctx, 2*time.Second) // the group is waiting for its sibling
				fromOutside = kept.Go(fn)
				return 0, nil
			})
			aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				kept = tg
				tg.Go(func(ctx context.Context) error { aio.Sleep(ctx, time.Second); return errors.New("boom") })
				tg.Go(func(ctx context.Context) error {
					err := aio.Sleep(ctx, time.Hour)
					fromSibling = tg.Go(fn)
					aio.Sleep(aio.Shield(ctx), 2*time.Second)
					return err
				})
				return nil
			})
			outside.Await(ctx)
			return nil
		})
		for name, err := range map[string]error{"a sibling": fromSibling, "outside": fromOutside} {
			if !errors.Is(err, aio.ErrInvalidState) || !strings.Contains(err.Error(), "shutting down") {
				t.Errorf("Go from %s after the failure = %v, want ErrInvalidState saying the group is shutting down", name, err)
			}
		}
		if ran {
			t.Error("a task given to a failing group ran")
		}
	})
	t.Run("after Cancel the task is accepted but never runs", func(t *testing.T) {
		ran := false
		var goErr, groupErr error
		var task *aio.Task[int]
		runVirtualMain(t, func(ctx context.Context) error {
			groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Cancel(nil)
				goErr = tg.Go(func(context.Context) error { ran = true; return nil })
				task, _ = aio.Spawn(tg, func(context.Context) (int, error) { ran = true; return 1, nil })
				return nil
			})
			return nil
		})
		if goErr != nil || groupErr != nil || ran || task == nil || !task.Cancelled() {
			t.Errorf("Go = %v, group = %v, ran = %v, task %v; want nil, nil, false and a cancelled task", goErr, groupErr, ran, task)
		}
	})
}

func TestStartIntoACancelledGroupReturnsTheCancellationInsteadOfWaitingForEver(t *testing.T) {
	// trio's test_nursery_start_with_cancelled_nursery, from a task that
	// is not in the group: its own context is not cancelled, so only the
	// end of the task Start made can answer it.
	for _, how := range []string{"Cancel", "from outside"} {
		t.Run(how, func(t *testing.T) {
			var startErr error
			ran := false
			runVirtualMain(t, func(ctx context.Context) error {
				var kept *aio.TaskGroup
				starter := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
					aio.Sleep(ctx, time.Second)
					startErr = kept.Start(ctx, func(ctx context.Context, started func()) error {
						ran = true
						started()
						return nil
					})
					return 0, nil
				})
				owner := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
					return 0, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
						kept = tg
						// Keep the group open past the Start: a task
						// started before the cancellation, which shields
						// its sleep.
						tg.Go(func(ctx context.Context) error { return aio.Sleep(aio.Shield(ctx), 2*time.Second) })
						if err := aio.Sleep(ctx, 0); err != nil {
							return err
						}
						if how == "Cancel" {
							tg.Cancel(nil)
						}
						return nil
					})
				})
				if how == "from outside" {
					aio.Sleep(ctx, 500*time.Millisecond)
					owner.Cancel(nil)
				}
				starter.Await(ctx)
				owner.Await(ctx)
				return nil
			})
			if !ktIsCancel(startErr) || ran {
				t.Errorf("Start = %v (the function ran: %v), want the cancellation and nothing run", startErr, ran)
			}
		})
	}
}

func TestAFinishedGroupRefusesEverythingAndCancelDoesNothing(t *testing.T) {
	fn := func(context.Context) error {
		t.Error("a task given to a finished group ran")
		return nil
	}
	var kept *aio.TaskGroup
	var keptCtx context.Context
	runVirtualMain(t, func(ctx context.Context) error {
		keptCtx = ctx
		if err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			kept = tg
			return nil
		}); err != nil {
			return err
		}
		kept.Cancel(errors.New("too late")) // asyncio: nothing to cancel
		if err := kept.Go(fn); !errors.Is(err, aio.ErrInvalidState) || !strings.Contains(err.Error(), "finished") {
			t.Errorf("Go after the group finished = %v, want ErrInvalidState saying it has finished", err)
		}
		// The group's end cancelled nothing of its owner.
		return aio.Sleep(ctx, time.Second)
	})
	// After Run has returned: refused as the loop's, and Cancel is harmless.
	if err := kept.Go(fn); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Go after Run returned = %v, want ErrLoopClosed", err)
	}
	if err := kept.Start(keptCtx, func(context.Context, func()) error { return fn(nil) }); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Start after Run returned = %v, want ErrLoopClosed", err)
	}
	kept.Cancel(nil)
	err := aio.WithTaskGroup(keptCtx, func(context.Context, *aio.TaskGroup) error {
		t.Error("the block of a group made after Run returned ran")
		return nil
	})
	if !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("WithTaskGroup after Run returned = %v, want ErrLoopClosed", err)
	}
}

func TestANilTaskGroupIsRefusedLikeAZeroOne(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var tg *aio.TaskGroup
		fn := func(context.Context) error { return nil }
		if err := tg.Go(fn); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Go on a nil TaskGroup = %v, want ErrInvalidState", err)
		}
		if _, err := aio.Spawn(tg, func(context.Context) (int, error) { return 0, nil }); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Spawn on a nil TaskGroup = %v, want ErrInvalidState", err)
		}
		if err := tg.Start(ctx, func(context.Context, func()) error { return nil }); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Start on a nil TaskGroup = %v, want ErrInvalidState", err)
		}
		tg.Cancel(nil) // does nothing
		if err := (&aio.TaskGroup{}).Go(nil); err == nil {
			t.Error("Go of a nil function returned no error")
		}
		return nil
	})
}

func TestAGroupRefusesTasksFromAnotherLoop(t *testing.T) {
	ran := false
	fn := func(context.Context) error { ran = true; return nil }
	var errs []error
	var cancelPanic any
	runVirtualMain(t, func(ctx context.Context) error {
		return aio.WithTaskGroup(ctx, func(ctxA context.Context, tg *aio.TaskGroup) error {
			// The other loop runs on an executor's goroutine while this
			// loop's task waits for it.
			_, err := aio.ToThread(ctxA, func(context.Context) (int, error) {
				_, err := aio.Run(func(ctx context.Context) (int, error) {
					_, spawnErr := aio.Spawn(tg, func(context.Context) (int, error) { ran = true; return 0, nil })
					errs = []error{
						tg.Go(fn),
						spawnErr,
						tg.Start(ctx, func(context.Context, func()) error { return fn(nil) }),
						aio.Sleep(ctxA, 0),
						aio.Timeout(ctxA, time.Second, func(context.Context, *aio.Scope) error { return fn(nil) }),
					}
					func() {
						defer func() { cancelPanic = recover() }()
						tg.Cancel(nil)
					}()
					return 0, nil
				}, aio.WithVirtualClock())
				return 0, err
			})
			if err != nil {
				return err
			}
			if ctxA.Err() != nil {
				t.Errorf("the refused calls cancelled the group: %v", ctxA.Err())
			}
			return nil
		})
	})
	for i, err := range errs {
		if !errors.Is(err, aio.ErrWrongTask) {
			t.Errorf("call %d from another loop = %v, want ErrWrongTask", i, err)
		}
	}
	if s := fmt.Sprint(cancelPanic); !strings.Contains(s, "TaskGroup.Cancel") {
		t.Errorf("Cancel from another loop panicked with %v, want a message naming TaskGroup.Cancel", cancelPanic)
	}
	if ran {
		t.Error("a function given to the group from another loop ran")
	}
}

func TestAPanickingChildOfNestedGroupsFailsBothAndNothingHangs(t *testing.T) {
	var groupErr error
	var cleaned, returnedAt time.Duration
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		groupErr = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
			return aio.WithTaskGroup(ctx, func(ctx context.Context, inner *aio.TaskGroup) error {
				inner.Go(func(ctx context.Context) error {
					defer func() {
						aio.Sleep(aio.Shield(ctx), time.Second)
						cleaned = loopTime(ctx)
					}()
					return aio.Sleep(ctx, time.Hour)
				})
				inner.Go(func(ctx context.Context) error {
					aio.Sleep(ctx, time.Second)
					panic("deep")
				}, aio.WithName("deep"))
				return aio.Sleep(ctx, time.Hour)
			})
		})
		returnedAt = loopTime(ctx)
		return 0, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Errorf("Run = %v, want nil: the group reported everything", err)
	}
	outer := groupErrs(t, groupErr)
	var pe *aio.PanicError
	if len(outer) != 1 || len(groupErrs(t, outer[0])) != 1 || !errors.As(groupErr, &pe) || pe.Value != "deep" || pe.Task != "deep" {
		t.Errorf("group = %v, want the inner group's error, holding the *PanicError of deep", groupErr)
	}
	if cleaned != 2*time.Second || returnedAt != 2*time.Second {
		t.Errorf("cleanup done at %v, groups returned at %v; want both 2s", cleaned, returnedAt)
	}
}

// edgeSchedule runs groups, a Gather and timeouts whose tasks wake in the
// same steps, under opts, and returns the log of what happened.
func edgeSchedule(t *testing.T, opts ...aio.Option) string {
	var log strings.Builder
	logf := func(ctx context.Context, format string, args ...any) {
		fmt.Fprintf(&log, "%v "+format+"\n", append([]any{loopTime(ctx)}, args...)...)
	}
	runVirtualMain(t, func(ctx context.Context) error {
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for i := range 6 {
				tg.Go(func(ctx context.Context) error {
					err := aio.Timeout(ctx, time.Duration(1+i%2)*time.Second, func(ctx context.Context, _ *aio.Scope) error {
						return aio.Sleep(ctx, time.Duration(i%3)*time.Second)
					})
					logf(ctx, "child %d: %v", i, err)
					if errors.Is(err, aio.ErrTimeout) {
						return nil
					}
					if i == 4 {
						return fmt.Errorf("child %d failed", i)
					}
					return err
				})
			}
			got, err := aio.Gather(ctx, sleepThen(time.Second, 1, nil), sleepThen(time.Second, 2, nil), sleepThen(time.Hour, 3, nil))
			logf(ctx, "gather: %v %v", got, err)
			return err
		})
		logf(ctx, "group: %v", err)
		return nil
	}, opts...)
	return log.String()
}

func TestGroupsScopesAndGatherReplayTheSameScheduleUnderTheSameSeed(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		a := edgeSchedule(t, aio.WithSeed(seed))
		if b := edgeSchedule(t, aio.WithSeed(seed)); a != b {
			t.Errorf("seed %d gave two schedules:\n%s\nthen\n%s", seed, a, b)
		}
		if !strings.Contains(a, "group: aio: task group: child 4 failed") {
			t.Errorf("seed %d: the group did not report the failure:\n%s", seed, a)
		}
	}
}
