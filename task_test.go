package aio_test

// Tasks, after CPython's Lib/test/test_asyncio/test_tasks.py (test_task_basics,
// test_create_task_*, test_task_set_name, test_task_done_callbacks,
// test_current_task, test_await_self, test_exception_traceback,
// test_log_destroyed_pending_task / never-retrieved reporting) and trio's
// test_run.py (test_precancelled_task, test_nice_error_on_bad_calls).
//
// Helpers shared by the kernel's behaviour tests (task, future, time,
// cancel, timeout and misuse) live here and start with kt, so that they do
// not collide with the helpers of other test files of the package.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// ktRun runs main on a loop with the virtual clock (unless opts choose
// otherwise after it) and fails the test if Run returns an error. main runs on
// the loop: it reports with t.Errorf, never t.Fatal.
func ktRun(t *testing.T, main func(ctx context.Context) error, opts ...aio.Option) {
	t.Helper()
	if err := ktRunErr(main, append([]aio.Option{aio.WithVirtualClock()}, opts...)...); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// ktRunOn runs main with exactly opts (no clock is chosen for it) and fails
// the test if Run returns an error.
func ktRunOn(t *testing.T, opts []aio.Option, main func(ctx context.Context) error) {
	t.Helper()
	if err := ktRunErr(main, opts...); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// ktRunErr runs main with exactly opts and returns Run's error.
func ktRunErr(main func(ctx context.Context) error, opts ...aio.Option) error {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		return struct{}{}, main(ctx)
	}, opts...)
	return err
}

// ktClocks are the two clocks a rule that does not depend on exact times is
// checked on. unit is a delay short enough for the clock: a second of
// virtual time costs nothing, on the real clock tests wait 10ms instead.
var ktClocks = []struct {
	name string
	opts []aio.Option
	unit time.Duration
}{
	{"on the virtual clock", []aio.Option{aio.WithVirtualClock()}, time.Second},
	{"on the real clock", nil, 10 * time.Millisecond},
}

// ktSince is the loop time elapsed since t0.
func ktSince(ctx context.Context, t0 time.Time) time.Duration { return aio.Now(ctx).Sub(t0) }

// ktStepCounter starts a task that counts the steps the loop gives it: it
// adds one and yields, up to ktMaxSteps times. If the counter moves while a
// task does something, that task was switched away from. Cancel the returned
// task when done with it: it keeps the ready queue busy, so on the virtual
// clock time does not advance while it runs. (It stops by itself so that a
// task parked for ever turns into Run's ErrDeadlock, not a hung test.)
func ktStepCounter(t *testing.T, ctx context.Context) (*int, *aio.Task[struct{}]) {
	n := new(int)
	task, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
		for *n < ktMaxSteps {
			*n++
			if err := aio.Sleep(ctx, 0); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}, aio.WithName("counter"))
	if err != nil {
		t.Errorf("CreateTask(counter): %v", err)
	}
	return n, task
}

const ktMaxSteps = 10000

// ktSleeper returns a coroutine function that sleeps d, then returns v.
func ktSleeper[T any](d time.Duration, v T) func(context.Context) (T, error) {
	return func(ctx context.Context) (T, error) {
		if err := aio.Sleep(ctx, d); err != nil {
			var zero T
			return zero, err
		}
		return v, nil
	}
}

// ktIsCancel reports whether err is a cancellation as DESIGN.md defines it.
func ktIsCancel(err error) bool {
	return errors.Is(err, aio.ErrCancelled) && errors.Is(err, context.Canceled)
}

// ktCause returns the Cause of a *CancelledError in err's chain.
func ktCause(err error) (error, bool) {
	var ce *aio.CancelledError
	if !errors.As(err, &ce) {
		return nil, false
	}
	return ce.Cause, true
}

func TestCreateTaskRunsTheFunctionFromTheNextStep(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var log []string
		task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			log = append(log, "task runs")
			return 1, nil
		})
		if err != nil {
			return err
		}
		log = append(log, "CreateTask returned")
		if task.Done() {
			t.Error("the task is done before the loop ran a step")
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		log = append(log, "main resumed")
		want := []string{"CreateTask returned", "task runs", "main resumed"}
		if !slices.Equal(log, want) {
			t.Errorf("order = %q, want %q", log, want)
		}
		if !task.Done() {
			t.Error("the task has not finished after one step of the loop")
		}
		return nil
	})
}

func TestTaskAwaitReturnsTheResultAndTheError(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name    string
		fn      func(context.Context) (int, error)
		want    int
		wantErr error
	}{
		{"a task that returns at once gives its value", func(context.Context) (int, error) { return 7, nil }, 7, nil},
		{"a task that sleeps first gives its value", ktSleeper(time.Second, 8), 8, nil},
		{"a task that fails gives its error", func(context.Context) (int, error) { return 0, boom }, 0, boom},
		{"a task that returns a value and an error gives both", func(ctx context.Context) (int, error) {
			if err := aio.Sleep(ctx, time.Millisecond); err != nil {
				return 0, err
			}
			return 3, boom
		}, 3, boom},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				task, err := aio.CreateTask(ctx, c.fn)
				if err != nil {
					return err
				}
				v, err := task.Await(ctx)
				if v != c.want || err != c.wantErr {
					t.Errorf("Await = %v, %v; want %v, %v", v, err, c.want, c.wantErr)
				}
				// Awaiting again gives the same.
				if v2, err2 := aio.Await[int](ctx, task); v2 != v || err2 != err {
					t.Errorf("second Await = %v, %v; want %v, %v", v2, err2, v, err)
				}
				return nil
			})
		})
	}
}

func TestAwaitingAFinishedTaskDoesNotSwitch(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		task, err := aio.CreateTask(ctx, func(context.Context) (int, error) { return 5, nil })
		if err != nil {
			return err
		}
		steps, counter := ktStepCounter(t, ctx)
		defer counter.Cancel(nil)
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if !task.Done() {
			t.Fatal("the task did not finish in its first step")
		}
		before := *steps
		if before == 0 {
			t.Error("the counter did not run: the check below would prove nothing")
		}
		for range 3 {
			if v, err := task.Await(ctx); v != 5 || err != nil {
				t.Errorf("Await = %v, %v; want 5, nil", v, err)
			}
		}
		if *steps != before {
			t.Errorf("the counter ran %d steps during Await of a finished task; want none", *steps-before)
		}
		return nil
	})
}

func TestTaskResultAndErrBeforeDoneAreInvalidState(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 1))
		if err != nil {
			return err
		}
		for _, when := range []string{"before its first step", "while it sleeps"} {
			if v, err := task.Result(); v != 0 || !errors.Is(err, aio.ErrInvalidState) {
				t.Errorf("Result %s = %v, %v; want 0, ErrInvalidState", when, v, err)
			}
			if err := task.Err(); !errors.Is(err, aio.ErrInvalidState) {
				t.Errorf("Err %s = %v; want ErrInvalidState", when, err)
			}
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		if v, err := task.Result(); v != 1 || err != nil {
			t.Errorf("Result once done = %v, %v; want 1, nil", v, err)
		}
		return nil
	})
}

func TestTaskNameDefaultsAndWithName(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		if got := aio.CurrentTask(ctx).Name(); got != "main" {
			t.Errorf("Run's task is named %q, want %q", got, "main")
		}
		plain, err := aio.CreateTask(ctx, func(context.Context) (int, error) { return 0, nil })
		if err != nil {
			return err
		}
		if plain.Name() != "task" {
			t.Errorf("default name = %q, want %q", plain.Name(), "task")
		}
		var inside string
		named, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			inside = aio.CurrentTask(ctx).Name()
			return 0, errors.New("named failure")
		}, aio.WithName("worker-1"))
		if err != nil {
			return err
		}
		if named.Name() != "worker-1" {
			t.Errorf("WithName: Name() = %q, want %q", named.Name(), "worker-1")
		}
		named.Await(ctx)
		if inside != "worker-1" {
			t.Errorf("the task sees its name as %q, want %q", inside, "worker-1")
		}
		// A later WithName wins, as later options do.
		twice, err := aio.CreateTask(ctx, func(context.Context) (int, error) { return 0, nil },
			aio.WithName("first"), aio.WithName("second"))
		if err != nil {
			return err
		}
		if twice.Name() != "second" {
			t.Errorf("two WithName options: Name() = %q, want %q", twice.Name(), "second")
		}
		return nil
	})
}

func TestTaskDoneAndCancelledFollowTheTasksEnd(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name          string
		fn            func(context.Context) (int, error)
		cancel        bool
		wantCancelled bool
	}{
		{"a task that returns nil is done, not cancelled", ktSleeper(time.Second, 1), false, false},
		{"a task that fails is done, not cancelled", func(context.Context) (int, error) { return 0, boom }, false, false},
		{"a task cancelled while it sleeps is cancelled", ktSleeper(time.Hour, 1), true, true},
		{"a task that returns a cancellation of its own is cancelled", func(ctx context.Context) (int, error) {
			return 0, fmt.Errorf("giving up: %w", &aio.CancelledError{Cause: boom})
		}, false, true},
		{"a task cancelled but returning a value is not cancelled", func(ctx context.Context) (int, error) {
			aio.Sleep(ctx, time.Hour)
			return 2, nil
		}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				task, err := aio.CreateTask(ctx, c.fn)
				if err != nil {
					return err
				}
				if task.Done() || task.Cancelled() {
					t.Errorf("new task: Done=%v Cancelled=%v, want false, false", task.Done(), task.Cancelled())
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if c.cancel {
					if task.Done() || task.Cancelled() {
						t.Errorf("running task: Done=%v Cancelled=%v, want false, false", task.Done(), task.Cancelled())
					}
					task.Cancel(nil)
				}
				task.Await(ctx)
				if !task.Done() || task.Cancelled() != c.wantCancelled {
					t.Errorf("finished task: Done=%v Cancelled=%v, want true, %v", task.Done(), task.Cancelled(), c.wantCancelled)
				}
				return nil
			})
		})
	}
}

func TestCurrentTaskIsTheRunningTaskAndNilOutside(t *testing.T) {
	var stale context.Context
	ktRun(t, func(ctx context.Context) error {
		stale = ctx
		if _, ok := aio.CurrentTask(ctx).(*aio.Task[struct{}]); !ok {
			t.Errorf("CurrentTask in main is %T, want *aio.Task[struct {}]", aio.CurrentTask(ctx))
		}
		mainCtx := ctx
		var handle *aio.Task[int]
		handle, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			withCancel, cancel := context.WithCancel(ctx)
			defer cancel()
			views := map[string]context.Context{
				"its own context":            ctx,
				"a context.WithValue of it":  context.WithValue(ctx, ktKey{}, 1),
				"a context.WithCancel of it": withCancel,
				"its Shield":                 aio.Shield(ctx),
			}
			for name, c := range views {
				got, ok := aio.CurrentTask(c).(*aio.Task[int])
				if !ok || got != handle {
					t.Errorf("CurrentTask(%s) = %v, want the task's own handle", name, aio.CurrentTask(c))
				}
			}
			aio.Timeout(ctx, time.Hour, func(ctx context.Context, _ *aio.Scope) error {
				if got := aio.CurrentTask(ctx); got != aio.AnyTask(handle) {
					t.Errorf("CurrentTask(a Timeout's context) = %v, want the task", got)
				}
				return nil
			})
			if got := aio.CurrentTask(mainCtx); got != nil {
				t.Errorf("CurrentTask(main's context) from another task = %v, want nil", got)
			}
			return 0, nil
		})
		if err != nil {
			return err
		}
		_, err = handle.Await(ctx)
		return err
	})
	if got := aio.CurrentTask(context.Background()); got != nil {
		t.Errorf("CurrentTask(context.Background()) = %v, want nil", got)
	}
	if got := aio.CurrentTask(stale); got != nil {
		t.Errorf("CurrentTask(a context of a finished loop) = %v, want nil", got)
	}
}

type ktKey struct{}

func TestTaskAwaitingItselfGetsErrAwaitSelf(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var self *aio.Task[int]
		self, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			if _, err := self.Await(ctx); !errors.Is(err, aio.ErrAwaitSelf) {
				t.Errorf("Task.Await of itself = %v, want ErrAwaitSelf", err)
			}
			if _, err := aio.Await[int](ctx, self); !errors.Is(err, aio.ErrAwaitSelf) {
				t.Errorf("aio.Await of itself = %v, want ErrAwaitSelf", err)
			}
			// The mistake leaves the task able to go on.
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return 0, err
			}
			return 9, nil
		})
		if err != nil {
			return err
		}
		if v, err := self.Await(ctx); v != 9 || err != nil {
			t.Errorf("Await = %v, %v; want 9, nil", v, err)
		}
		return nil
	})
}

func TestTaskDoneCallbacksRunInOrderAndAtOnceWhenDone(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var log []string
		task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 4))
		if err != nil {
			return err
		}
		for _, name := range []string{"a", "b", "c"} {
			task.AddDoneCallback(func(tk *aio.Task[int]) {
				if tk != task || !tk.Done() {
					t.Errorf("callback %s got %p (done=%v), want the finished task %p", name, tk, tk.Done(), task)
				}
				log = append(log, name)
			})
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if len(log) != 0 {
			t.Errorf("callbacks ran before the task finished: %q", log)
		}
		task.Await(ctx)
		if want := []string{"a", "b", "c"}; !slices.Equal(log, want) {
			t.Errorf("callbacks ran as %q, want %q", log, want)
		}
		task.AddDoneCallback(func(*aio.Task[int]) { log = append(log, "late") })
		if log[len(log)-1] != "late" {
			t.Error("a callback added to a finished task did not run at once")
		}
		return nil
	})
}

// ktPanickingWorker panics in its second step, so that the stack of the
// panic is the task's, not the creator's.
func ktPanickingWorker(ctx context.Context) (int, error) {
	if err := aio.Sleep(ctx, time.Millisecond); err != nil {
		return 0, err
	}
	panic(ktPanicValue)
}

var ktPanicValue = &struct{ msg string }{"worker exploded"}

func TestTaskPanicBecomesPanicErrorWithTheStack(t *testing.T) {
	inner := errors.New("inner")
	cases := []struct {
		name  string
		fn    func(context.Context) (int, error)
		check func(t *testing.T, pe *aio.PanicError, err error)
	}{
		{"a panic after an await keeps the value and the task's stack", ktPanickingWorker, func(t *testing.T, pe *aio.PanicError, _ error) {
			if pe.Value != any(ktPanicValue) {
				t.Errorf("Value = %v, want the panic value", pe.Value)
			}
			if !strings.Contains(string(pe.Stack), "ktPanickingWorker") {
				t.Errorf("Stack does not name the panicking function:\n%s", pe.Stack)
			}
			if pe.Task != "boomer" {
				t.Errorf("Task = %q, want %q", pe.Task, "boomer")
			}
		}},
		{"a panic with an error unwraps to it", func(context.Context) (int, error) { panic(inner) }, func(t *testing.T, _ *aio.PanicError, err error) {
			if !errors.Is(err, inner) {
				t.Errorf("errors.Is(%v, inner) = false", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				task, err := aio.CreateTask(ctx, c.fn, aio.WithName("boomer"))
				if err != nil {
					return err
				}
				_, err = task.Await(ctx)
				var pe *aio.PanicError
				if !errors.As(err, &pe) {
					t.Errorf("Await = %v, want a *PanicError", err)
					return nil
				}
				c.check(t, pe, err)
				// The loop goes on after a task panicked.
				return aio.Sleep(ctx, time.Second)
			})
		})
	}
	t.Run("a panic in main is Run's *PanicError", func(t *testing.T) {
		_, err := aio.Run(func(ctx context.Context) (int, error) { return ktPanickingWorker(ctx) }, aio.WithVirtualClock())
		var pe *aio.PanicError
		if !errors.As(err, &pe) || pe.Value != any(ktPanicValue) {
			t.Fatalf("Run = %v, want a *PanicError with the value", err)
		}
	})
}

func TestUnretrievedTaskErrorsAreReportedByRun(t *testing.T) {
	boom := errors.New("boom")
	failing := func(context.Context) (int, error) { return 0, boom }
	failLater := func(ctx context.Context) (int, error) {
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return 0, err
		}
		return 0, boom
	}
	cases := []struct {
		name     string
		main     func(ctx context.Context) error
		reported bool
	}{
		{"a Go task's error that nobody can retrieve is reported", func(ctx context.Context) error {
			if err := aio.Go(ctx, func(context.Context) error { return boom }, aio.WithName("lost")); err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Second)
		}, true},
		{"a task's error that nobody retrieves is reported", func(ctx context.Context) error {
			_, err := aio.CreateTask(ctx, failing, aio.WithName("lost"))
			if err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Second)
		}, true},
		{"a task's panic that nobody retrieves is reported", func(ctx context.Context) error {
			_, err := aio.CreateTask(ctx, func(context.Context) (int, error) { panic(boom) }, aio.WithName("lost"))
			if err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Second)
		}, true},
		{"an awaiter cancelled before the task failed did not retrieve it", func(ctx context.Context) error {
			task, err := aio.CreateTask(ctx, failLater, aio.WithName("lost"))
			if err != nil {
				return err
			}
			aio.Timeout(ctx, time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
				_, err := task.Await(ctx)
				return err
			})
			return aio.Sleep(ctx, time.Hour)
		}, true},
		{"an error retrieved with Err is not reported", func(ctx context.Context) error {
			task, err := aio.CreateTask(ctx, failing, aio.WithName("lost"))
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			if err := task.Err(); err != boom {
				t.Errorf("Err = %v, want boom", err)
			}
			return nil
		}, false},
		{"an error retrieved with Result is not reported", func(ctx context.Context) error {
			task, err := aio.CreateTask(ctx, failing, aio.WithName("lost"))
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			if _, err := task.Result(); err != boom {
				t.Errorf("Result error = %v, want boom", err)
			}
			return nil
		}, false},
		{"an error retrieved by an Await that was parked is not reported", func(ctx context.Context) error {
			task, err := aio.CreateTask(ctx, failLater, aio.WithName("lost"))
			if err != nil {
				return err
			}
			if _, err := task.Await(ctx); err != boom {
				t.Errorf("Await error = %v, want boom", err)
			}
			return nil
		}, false},
		{"an error retrieved by an Await after the end is not reported", func(ctx context.Context) error {
			task, err := aio.CreateTask(ctx, failing, aio.WithName("lost"))
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Hour); err != nil {
				return err
			}
			if _, err := task.Await(ctx); err != boom {
				t.Errorf("Await error = %v, want boom", err)
			}
			return nil
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ktRunErr(c.main, aio.WithVirtualClock())
			if !c.reported {
				if err != nil {
					t.Fatalf("Run = %v, want nil", err)
				}
				return
			}
			var te *aio.TaskError
			if !errors.As(err, &te) || te.Task != "lost" || !errors.Is(err, boom) {
				t.Fatalf("Run = %v, want a *TaskError of task %q wrapping boom", err, "lost")
			}
		})
	}
}

func TestCancellationsAreNeverReportedAsUnretrieved(t *testing.T) {
	sleepHour := func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) }
	cases := []struct {
		name string
		main func(ctx context.Context) error
	}{
		{"a task cancelled while sleeping", func(ctx context.Context) error {
			task, err := aio.CreateTask(ctx, ktSleeper(time.Hour, 0))
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			task.Cancel(errors.New("stop"))
			return aio.Sleep(ctx, time.Second)
		}},
		{"a task cancelled before its first step", func(ctx context.Context) error {
			task, err := aio.CreateTask(ctx, ktSleeper(time.Hour, 0))
			if err != nil {
				return err
			}
			task.Cancel(errors.New("stop"))
			return aio.Sleep(ctx, time.Second)
		}},
		{"a Go task cancelled by Run's shutdown while it sleeps", func(ctx context.Context) error {
			if err := aio.Go(ctx, sleepHour); err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Second)
		}},
		{"a task that wraps its cancellation", func(ctx context.Context) error {
			if err := aio.Go(ctx, func(ctx context.Context) error {
				return fmt.Errorf("worker: %w", aio.Sleep(ctx, time.Hour))
			}); err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Second)
		}},
		{"a task that returns ctx.Err() once cancelled", func(ctx context.Context) error {
			if err := aio.Go(ctx, func(ctx context.Context) error {
				aio.Sleep(ctx, time.Hour)
				return ctx.Err() // the Go idiom: context.Canceled
			}); err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Second)
		}},
		{"a task that returns the cancellation of a future it awaited", func(ctx context.Context) error {
			f := aio.NewFuture[int]()
			if err := aio.Go(ctx, func(ctx context.Context) error {
				_, err := f.Await(ctx)
				return err
			}); err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			f.Cancel(errors.New("no longer needed"))
			return aio.Sleep(ctx, time.Second)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := ktRunErr(c.main, aio.WithVirtualClock()); err != nil {
				t.Fatalf("Run = %v, want nil: a cancellation is not an error to report", err)
			}
		})
	}
}

// A task started by Go has no handle: CurrentTask gives its AnyTask view,
// with its name, and it is not a *Task of any result type.
func TestCurrentTaskOfAGoTaskIsItsAnyTaskView(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var name string
		var isTask bool
		done := aio.NewFuture[struct{}]()
		if err := aio.Go(ctx, func(ctx context.Context) error {
			cur := aio.CurrentTask(ctx)
			name = cur.Name()
			_, isTask = cur.(*aio.Task[struct{}])
			done.SetResult(struct{}{})
			return nil
		}, aio.WithName("worker")); err != nil {
			return err
		}
		if _, err := done.Await(ctx); err != nil {
			return err
		}
		if name != "worker" || isTask {
			t.Errorf("CurrentTask in a Go task: name %q, *Task %v; want \"worker\", false", name, isTask)
		}
		return nil
	})
}
