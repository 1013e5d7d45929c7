package aio_test

// Eager tasks (Eager, WithEagerTasks), after CPython's
// Lib/test/test_asyncio/test_eager_task_factory.py: eager completion, a
// future set in the eager step, blocking after it, cancellation after an
// eager completion and after an eager step that blocked, the current task
// during the step, and the counting tests (a tree of gathers or task groups
// whose leaves return at once needs no scheduled task). The group,
// cancellation, seed and debug rules are aio's own.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// eagerModes are the two ways to ask for an eager start.
var eagerModes = []struct {
	name string
	task []aio.TaskOption // for the task
	loop []aio.Option     // for Run
}{
	{"with Eager()", []aio.TaskOption{aio.Eager()}, nil},
	{"with WithEagerTasks()", nil, []aio.Option{aio.WithEagerTasks()}},
}

func TestAnEagerTaskThatReturnsIsDoneWhenCreateTaskReturns(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			var log []string
			err := ktRunErr(func(ctx context.Context) error {
				log = append(log, "creator before")
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
					log = append(log, "child")
					return "hello", nil
				}, m.task...)
				if err != nil {
					return err
				}
				log = append(log, "creator after")
				if !task.Done() {
					return errors.New("the task is not done after its eager step returned")
				}
				v, err := task.Await(ctx)
				if v != "hello" || err != nil {
					return fmt.Errorf("Await = %q, %v", v, err)
				}
				return nil
			}, append(m.loop, aio.WithVirtualClock())...)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"creator before", "child", "creator after"}; !slices.Equal(log, want) {
				t.Fatalf("log = %v, want %v", log, want)
			}
		})
	}
}

func TestAnEagerTaskThatSetsAFutureHasSetItWhenCreateTaskReturns(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			err := ktRunErr(func(ctx context.Context) error {
				f := aio.NewFuture[string]()
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					f.SetResult("my message")
					return 0, nil
				}, m.task...)
				if err != nil {
					return err
				}
				if !task.Done() || !f.Done() {
					return fmt.Errorf("task done %v, future done %v after the eager step", task.Done(), f.Done())
				}
				v, err := f.Await(ctx)
				if v != "my message" {
					return fmt.Errorf("future = %q, %v", v, err)
				}
				return err
			}, m.loop...)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAnEagerTaskThatBlocksIsPendingAndFinishesLikeAnyTask(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			var log []string
			err := ktRunErr(func(ctx context.Context) error {
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
					log = append(log, "child step 1")
					if err := aio.Sleep(ctx, 100*time.Millisecond); err != nil {
						return "", err
					}
					log = append(log, "child step 2")
					return "finished after blocking", nil
				}, m.task...)
				if err != nil {
					return err
				}
				log = append(log, "creator")
				if task.Done() {
					return errors.New("a task that sleeps is done after its eager step")
				}
				v, err := task.Await(ctx)
				if v != "finished after blocking" || err != nil || !task.Done() {
					return fmt.Errorf("Await = %q, %v", v, err)
				}
				return nil
			}, append(m.loop, aio.WithVirtualClock())...)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"child step 1", "creator", "child step 2"}; !slices.Equal(log, want) {
				t.Fatalf("log = %v, want %v", log, want)
			}
		})
	}
}

func TestCancellingAnEagerTaskThatFinishedKeepsItsResult(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			err := ktRunErr(func(ctx context.Context) error {
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
					return "finished without blocking", nil
				}, m.task...)
				if err != nil {
					return err
				}
				if task.Cancel(errors.New("too late")) {
					return errors.New("Cancel of a finished eager task returned true")
				}
				v, err := task.Await(ctx)
				if v != "finished without blocking" || err != nil || task.Cancelled() {
					return fmt.Errorf("Await = %q, %v; Cancelled %v", v, err, task.Cancelled())
				}
				return nil
			}, m.loop...)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCancellingAnEagerTaskAfterItsStepBlockedCancelsItsAwait(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			cause := errors.New("cancellation message")
			err := ktRunErr(func(ctx context.Context) error {
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
					if err := aio.Sleep(ctx, 100*time.Millisecond); err != nil {
						return "", err
					}
					return "finished after blocking", nil
				}, m.task...)
				if err != nil {
					return err
				}
				if !task.Cancel(cause) {
					return errors.New("Cancel of a blocked eager task returned false")
				}
				_, err = task.Await(ctx)
				var ce *aio.CancelledError
				if !errors.As(err, &ce) || ce.Cause != cause {
					return fmt.Errorf("Await = %v, want the cancellation with its cause", err)
				}
				return nil
			}, append(m.loop, aio.WithVirtualClock())...)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTheCurrentTaskOfAnEagerStepIsTheNewTaskAndTheCreatorsAfterIt(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			err := ktRunErr(func(ctx context.Context) error {
				me := aio.CurrentTask(ctx)
				var inStep, afterSleep aio.AnyTask
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					inStep = aio.CurrentTask(ctx)
					if aio.CurrentTask(context.Background()) != nil {
						return 0, errors.New("a task without a context is current")
					}
					if err := aio.Sleep(ctx, time.Millisecond); err != nil {
						return 0, err
					}
					afterSleep = aio.CurrentTask(ctx)
					return 0, nil
				}, m.task...)
				if err != nil {
					return err
				}
				if inStep != aio.AnyTask(task) {
					return fmt.Errorf("current task in the eager step = %v, want the new task", inStep)
				}
				if aio.CurrentTask(ctx) != me {
					return errors.New("the creator is not the current task after the eager step")
				}
				// The creator's own awaits still work after the eager step.
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if _, err := task.Await(ctx); err != nil {
					return err
				}
				if afterSleep != aio.AnyTask(task) {
					return errors.New("the task is not current after its sleep")
				}
				return nil
			}, append(m.loop, aio.WithVirtualClock())...)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAnEagerTaskCreatedInACancelledContextNeverRunsItsFunction(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			err := ktRunErr(func(ctx context.Context) error {
				ran := false
				cause := errors.New("stop")
				err := aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
					s.Cancel(cause)
					task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
						ran = true
						return 1, nil
					}, m.task...)
					if err != nil {
						return err
					}
					if !task.Done() || !task.Cancelled() {
						return errors.New("a task created in a cancelled context is not done and cancelled")
					}
					return nil
				})
				if err != nil {
					return err
				}
				if ran {
					return errors.New("the function of a task born cancelled ran")
				}
				return nil
			}, m.loop...)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAnEagerTaskThatFailsInItsFirstStepFailsItsGroupAtOnce(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			boom := errors.New("boom")
			var ranAfter bool
			var goErr, awaitErr error
			err := ktRunErr(func(ctx context.Context) error {
				return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					if err := tg.Go(func(context.Context) error { return boom }, m.task...); err != nil {
						return err
					}
					goErr = tg.Go(func(context.Context) error { ranAfter = true; return nil }, m.task...)
					awaitErr = aio.Sleep(ctx, time.Second)
					return awaitErr
				})
			}, append(m.loop, aio.WithVirtualClock())...)
			var ge *aio.GroupError
			if !errors.As(err, &ge) || len(ge.Errs) != 1 || ge.Errs[0] != boom {
				t.Fatalf("Run = %v, want the group's error holding boom", err)
			}
			if !errors.Is(goErr, aio.ErrInvalidState) || ranAfter {
				t.Fatalf("Go after the failure = %v (ran %v), want ErrInvalidState", goErr, ranAfter)
			}
			if !errors.Is(awaitErr, aio.ErrCancelled) {
				t.Fatalf("the body's next await = %v, want a cancellation", awaitErr)
			}
		})
	}
}

func TestAnEagerGatherChildThatFailsCancelsTheChildrenAfterIt(t *testing.T) {
	boom := errors.New("boom")
	var log []string
	child := func(name string, fail bool) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			log = append(log, name)
			if fail {
				return 0, boom
			}
			return 0, aio.Sleep(ctx, time.Second)
		}
	}
	_, err := aio.Run(func(ctx context.Context) ([]int, error) {
		return aio.Gather(ctx, child("a", false), child("b", true), child("c", false))
	}, aio.WithEagerTasks(), aio.WithVirtualClock())
	if err != boom {
		t.Fatalf("Gather = %v, want boom", err)
	}
	// a ran its first step and was cancelled in its sleep; c was created
	// under the cancelled scope and never ran.
	if want := []string{"a", "b"}; !slices.Equal(log, want) {
		t.Fatalf("log = %v, want %v", log, want)
	}
}

// countTree is CPython's recursive_gather and recursive_taskgroups: a tree
// of width^depth leaves that return at once. It returns the most tasks
// alive at once, read from the tree's own count.
func countTree(ctx context.Context, width, depth int, group bool, live, peak *int) error {
	if depth == 0 {
		return nil
	}
	node := func(ctx context.Context) error {
		*live++
		*peak = max(*peak, *live)
		defer func() { *live-- }()
		return countTree(ctx, width, depth-1, group, live, peak)
	}
	if group {
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for range width {
				if err := tg.Go(node); err != nil {
					return err
				}
			}
			return nil
		})
	}
	fns := make([]func(context.Context) (int, error), width)
	for i := range fns {
		fns[i] = func(ctx context.Context) (int, error) { return 0, node(ctx) }
	}
	_, err := aio.Gather(ctx, fns...)
	return err
}

func TestATreeOfEagerTasksWhoseLeavesReturnRunsDepthFirstWithoutScheduling(t *testing.T) {
	for _, group := range []bool{false, true} {
		for _, eager := range []bool{false, true} {
			name := fmt.Sprintf("group=%v eager=%v", group, eager)
			t.Run(name, func(t *testing.T) {
				var opts []aio.Option
				if eager {
					opts = append(opts, aio.WithEagerTasks())
				}
				live, peak := 0, 0
				var steps int
				err := ktRunErr(func(ctx context.Context) error {
					// A task that counts the loop's steps while the tree runs:
					// with eager tasks the tree never gives way to it.
					stop := false
					counter, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
						for !stop {
							steps++
							if err := aio.Sleep(ctx, 0); err != nil {
								return 0, err
							}
						}
						return 0, nil
					})
					if err != nil {
						return err
					}
					if err := aio.Sleep(ctx, 0); err != nil { // the counter starts
						return err
					}
					steps = 0
					err = countTree(ctx, 5, 4, group, &live, &peak)
					stop = true
					counter.Await(ctx)
					return err
				}, opts...)
				if err != nil {
					t.Fatal(err)
				}
				if eager {
					// 5 + 25 + 125 + 625 tasks, depth first: never more than
					// one per level alive, and no step of the loop meanwhile.
					if peak != 4 || steps != 0 {
						t.Fatalf("peak %d tasks alive, %d loop steps during the tree; want 4 and 0", peak, steps)
					}
				} else if peak != 5+25+125+1 || steps == 0 {
					// Breadth first: the three upper levels wait at once
					// while the leaves run one by one.
					t.Fatalf("peak %d tasks alive, %d loop steps; want 156 and some steps", peak, steps)
				}
			})
		}
	}
}

func TestEagerTasksWithASeedReplayTheSameScheduleOnTheVirtualClock(t *testing.T) {
	trace := func(seed uint64) string {
		var b strings.Builder
		_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				for i := range 6 {
					tg.Go(func(ctx context.Context) error {
						fmt.Fprintf(&b, "%d@start ", i)
						for j := range 3 {
							if err := aio.Sleep(ctx, time.Duration(i%3)*time.Millisecond); err != nil {
								return err
							}
							fmt.Fprintf(&b, "%d.%d ", i, j)
							if i%2 == 0 {
								tg.Go(func(context.Context) error { fmt.Fprintf(&b, "%d.%d+ ", i, j); return nil })
							}
						}
						return nil
					})
				}
				return nil
			})
			return struct{}{}, err
		}, aio.WithEagerTasks(), aio.WithVirtualClock(), aio.WithSeed(seed))
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	differ := false
	first := trace(1)
	for seed := uint64(1); seed <= 8; seed++ {
		a, b := trace(seed), trace(seed)
		if a != b {
			t.Fatalf("seed %d: two runs differ:\n%s\n%s", seed, a, b)
		}
		// Eager first steps run in creation order, each before its creator
		// goes on, whatever the seed.
		if !strings.HasPrefix(a, "0@start 1@start 2@start 3@start 4@start 5@start ") {
			t.Fatalf("seed %d: the first steps did not run in creation order: %s", seed, a)
		}
		differ = differ || a != first
	}
	if !differ {
		t.Fatal("eight seeds gave one schedule: the seed does not shuffle the ready queue")
	}
}

func TestAnEagerTaskThatPanicsOrExitsFailsAloneAndItsCreatorGoesOn(t *testing.T) {
	for _, m := range eagerModes {
		t.Run(m.name, func(t *testing.T) {
			err := ktRunErr(func(ctx context.Context) error {
				p, err := aio.CreateTask(ctx, func(context.Context) (int, error) { panic("in the eager step") }, m.task...)
				if err != nil {
					return err
				}
				var pe *aio.PanicError
				if _, err := p.Result(); !errors.As(err, &pe) || pe.Value != "in the eager step" {
					return fmt.Errorf("the panicking task's error = %v", err)
				}
				g, err := aio.CreateTask(ctx, func(context.Context) (int, error) { runtime.Goexit(); return 0, nil }, m.task...)
				if err != nil {
					return err
				}
				if _, err := g.Result(); !errors.Is(err, aio.ErrGoexit) {
					return fmt.Errorf("the exiting task's error = %v", err)
				}
				// The creator still owns the loop's thread.
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				_, err = aio.CallSoon(ctx, func() {})
				return err
			}, m.loop...)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDebugModeReportsASlowEagerStepAsTheNewTasksStep(t *testing.T) {
	log := &etLog{}
	opts := []aio.Option{aio.WithVirtualClock(), aio.WithDebug(), aio.WithSlowStep(etThreshold), aio.WithLogger(slog.New(log)), aio.WithEagerTasks()}
	err := ktRunErr(func(ctx context.Context) error {
		_, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			time.Sleep(etSlowStep)
			return 0, nil
		}, aio.WithName("slow"))
		return err
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	recs := log.about("slow")
	if len(recs) == 0 {
		t.Fatalf("no warning names the slow eager task; records: %v", log.records())
	}
}
