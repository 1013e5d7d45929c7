package aio_test

// Bad use gets a clear error, never a hang, a crash of the loop or a lost
// error (issue 3's acceptance; DESIGN.md "Coroutine functions" and "Thread
// safety"). After CPython's Lib/test/test_asyncio/test_tasks.py
// (test_create_task_with_noncoroutine, test_await_without_task via
// test_timeouts.py test_timeout_without_task, test_sleep with a negative
// delay), test_events.py (test_run_until_complete_nesting / "Cannot run
// the event loop while another loop is running") and trio's test_run.py
// (test_nice_error_on_bad_calls_to_run_or_spawn, test_calling_asyncio_function_gives_nice_error).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// ktMisuse is one call made with a context it should not be made with.
type ktMisuse struct {
	name string
	call func(ctx context.Context) error
}

// ktAwaits are the blocking calls checked with a wrong context. pending is
// a future nobody sets and other a task that has not finished, both of the
// loop under test.
func ktAwaits(pending *aio.Future[int], other *aio.Task[int]) []ktMisuse {
	return []ktMisuse{
		{"Sleep", func(ctx context.Context) error { return aio.Sleep(ctx, time.Second) }},
		{"Sleep(0)", func(ctx context.Context) error { return aio.Sleep(ctx, 0) }},
		{"Future.Await", func(ctx context.Context) error { _, err := pending.Await(ctx); return err }},
		{"Task.Await", func(ctx context.Context) error { _, err := other.Await(ctx); return err }},
		{"Timeout", func(ctx context.Context) error {
			return aio.Timeout(ctx, time.Second, func(context.Context, *aio.Scope) error {
				return errors.New("the body of a misused Timeout ran")
			})
		}},
		{"WithTaskGroup", func(ctx context.Context) error {
			return aio.WithTaskGroup(ctx, func(context.Context, *aio.TaskGroup) error {
				return errors.New("the body of a misused WithTaskGroup ran")
			})
		}},
		{"Gather", func(ctx context.Context) error {
			_, err := aio.Gather(ctx, func(context.Context) (int, error) {
				return 0, errors.New("a function of a misused Gather ran")
			})
			return err
		}},
		{"Wait", func(ctx context.Context) error {
			_, _, err := aio.Wait(ctx, []*aio.Future[int]{pending}, aio.AllCompleted, 0)
			return err
		}},
	}
}

func TestAwaitWithAContextFromAnotherGoroutineIsErrWrongTask(t *testing.T) {
	t.Run("while the task that owns it is parked", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			pending := aio.NewFuture[int]()
			other, err := aio.CreateTask(ctx, pending.Await)
			if err != nil {
				return err
			}
			calls := append(ktAwaits(pending, other),
				ktMisuse{"CreateTask", func(ctx context.Context) error {
					_, err := aio.CreateTask(ctx, func(context.Context) (int, error) { return 0, nil })
					return err
				}},
				ktMisuse{"CallSoon", func(ctx context.Context) error {
					_, err := aio.CallSoon(ctx, func() {})
					return err
				}},
			)
			// The goroutine makes its calls while main is parked, then
			// wakes main by cancelling the context main waits with: no
			// sleeping, and nothing else for the loop to run meanwhile.
			results := make(chan []error, 1)
			wait, wake := context.WithCancel(ctx)
			defer wake()
			go func() {
				var errs []error
				for _, c := range calls {
					errs = append(errs, c.call(ctx))
				}
				results <- errs
				wake()
			}()
			if _, err := aio.NewFuture[int]().Await(wait); !ktIsCancel(err) {
				t.Errorf("main's await = %v, want the cancellation that wakes it", err)
			}
			errs := <-results
			for i, c := range calls {
				if !errors.Is(errs[i], aio.ErrWrongTask) {
					t.Errorf("%s from another goroutine = %v, want ErrWrongTask", c.name, errs[i])
				}
			}
			return ktLoopStillWorks(t, ctx, pending, other)
		})
	})
	// This is errgroup.Go(func() error { return aio.Sleep(ctx, d) })
	// followed by Wait inside a task: the task that owns ctx is the one
	// running, but the call does not come from it. Each call runs in a
	// child process: if the loop is corrupted, it may crash or hang.
	for i, c := range ktAwaits(nil, nil) {
		t.Run(c.name+" while the task that owns it blocks the loop waiting for the goroutine", func(t *testing.T) {
			ktIsolated(t, func(t *testing.T) {
				ktRun(t, func(ctx context.Context) error {
					pending := aio.NewFuture[int]()
					other, err := aio.CreateTask(ctx, pending.Await)
					if err != nil {
						return err
					}
					if err := aio.Sleep(ctx, 0); err != nil {
						return err
					}
					call := ktAwaits(pending, other)[i]
					done := make(chan error, 1)
					go func() { done <- call.call(ctx) }()
					select {
					case err := <-done:
						if !errors.Is(err, aio.ErrWrongTask) {
							t.Errorf("%s from another goroutine = %v, want ErrWrongTask", call.name, err)
						}
					case <-time.After(5 * time.Second):
						t.Errorf("%s from another goroutine did not return within 5s", call.name)
						os.Exit(3)
					}
					return ktLoopStillWorks(t, ctx, pending, other)
				})
			})
		})
	}
}

// ktLoopStillWorks checks that the loop of ctx runs as it should after a
// misuse: time, futures and tasks behave, then it finishes other.
func ktLoopStillWorks(t *testing.T, ctx context.Context, pending *aio.Future[int], other *aio.Task[int]) error {
	t.Helper()
	t0 := aio.Now(ctx)
	if err := aio.Sleep(ctx, time.Millisecond); err != nil {
		t.Errorf("Sleep after the misuse = %v", err)
	}
	if got := ktSince(ctx, t0); got < time.Millisecond {
		t.Errorf("Sleep(1ms) after the misuse took %v", got)
	}
	if pending.Done() || other.Done() {
		t.Errorf("the misuse changed the future (done=%v) or the task (done=%v)", pending.Done(), other.Done())
	}
	pending.SetResult(8)
	if v, err := other.Await(ctx); v != 8 || err != nil {
		t.Errorf("the other task after the misuse = %v, %v; want 8, nil", v, err)
	}
	return nil
}

// ktChildEnv names the environment variable that tells a test binary it is
// the child process of ktIsolated.
const ktChildEnv = "AIO_KERNEL_TEST_CHILD"

// ktIsolated runs body in a child process (this test binary, running only
// the current test), so that a crash, a hang or a leak of body fails the
// current test and nothing else.
func ktIsolated(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	if os.Getenv(ktChildEnv) == t.Name() {
		body(t)
		return
	}
	var pattern []string
	for _, part := range strings.Split(t.Name(), "/") {
		pattern = append(pattern, "^"+regexp.QuoteMeta(part)+"$")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+strings.Join(pattern, "/"), "-test.count=1", "-test.v")
	// Under -race the child would wait a second at exit (atexit_sleep_ms).
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), ktChildEnv+"="+t.Name(), "GORACE="+gorace)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (the child hung and was killed)", err)
		}
		const max = 6000
		if len(out) > max {
			out = append(out[:max], "\n... (cut)"...)
		}
		t.Fatalf("the scenario failed in its child process: %v\n%s", err, out)
	}
}

func TestAwaitWithTheContextOfAnotherTaskIsErrWrongTask(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		mainCtx := ctx
		pending := aio.NewFuture[int]()
		other, err := aio.CreateTask(ctx, pending.Await)
		if err != nil {
			return err
		}
		calls := ktAwaits(pending, other)
		child, err := aio.CreateTask(ctx, func(ctx context.Context) ([]error, error) {
			var errs []error
			for _, c := range calls {
				errs = append(errs, c.call(mainCtx))
			}
			// The child's own context still works.
			return errs, aio.Sleep(ctx, time.Millisecond)
		})
		if err != nil {
			return err
		}
		errs, err := child.Await(ctx)
		if err != nil {
			t.Errorf("the child: %v", err)
		}
		for i, c := range calls {
			if i < len(errs) && !errors.Is(errs[i], aio.ErrWrongTask) {
				t.Errorf("%s with main's context from another task = %v, want ErrWrongTask", c.name, errs[i])
			}
		}
		return ktLoopStillWorks(t, ctx, pending, other)
	})
}

func TestAwaitAfterRunReturnedIsErrLoopClosed(t *testing.T) {
	var stale, staleScope, staleShield context.Context
	pending := aio.NewFuture[int]()
	var finished *aio.Task[int]
	ktRun(t, func(ctx context.Context) error {
		stale, staleShield = ctx, aio.Shield(ctx)
		aio.Timeout(ctx, time.Hour, func(ctx context.Context, _ *aio.Scope) error {
			staleScope = ctx
			return nil
		})
		var err error
		finished, err = aio.CreateTask(ctx, func(context.Context) (int, error) { return 4, nil })
		if err != nil {
			return err
		}
		_, err = finished.Await(ctx)
		return err
	})
	// Every task of the loop is done now: Task.Await is checked apart.
	calls := slices.DeleteFunc(ktAwaits(pending, nil), func(c ktMisuse) bool { return c.name == "Task.Await" })
	calls = append(calls,
		ktMisuse{"CreateTask", func(ctx context.Context) error {
			_, err := aio.CreateTask(ctx, func(context.Context) (int, error) { return 0, nil })
			return err
		}},
		ktMisuse{"Go", func(ctx context.Context) error { return aio.Go(ctx, func(context.Context) error { return nil }) }},
		ktMisuse{"CallSoon", func(ctx context.Context) error { _, err := aio.CallSoon(ctx, func() {}); return err }},
		ktMisuse{"CallLater", func(ctx context.Context) error { _, err := aio.CallLater(ctx, time.Second, func() {}); return err }},
		ktMisuse{"CallAt", func(ctx context.Context) error { _, err := aio.CallAt(ctx, time.Now(), func() {}); return err }},
	)
	for name, ctx := range map[string]context.Context{"main's context": stale, "a scope's context": staleScope, "a shielded context": staleShield} {
		for _, c := range calls {
			if err := c.call(ctx); !errors.Is(err, aio.ErrLoopClosed) {
				t.Errorf("%s with %s after Run returned = %v, want ErrLoopClosed", c.name, name, err)
			}
		}
	}
	// A finished task keeps its result: awaiting it needs no loop.
	if v, err := finished.Await(stale); v != 4 || err != nil {
		t.Errorf("Task.Await of a finished task after Run = %v, %v; want 4, nil", v, err)
	}
	if pending.Done() {
		t.Error("a misused Future.Await changed the future")
	}
}

func TestAwaitWithoutATaskIsErrNoTask(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		pending := aio.NewFuture[int]()
		other, err := aio.CreateTask(ctx, pending.Await)
		if err != nil {
			return err
		}
		calls := append(ktAwaits(pending, other),
			ktMisuse{"CreateTask", func(ctx context.Context) error {
				_, err := aio.CreateTask(ctx, func(context.Context) (int, error) { return 0, nil })
				return err
			}},
			ktMisuse{"Go", func(ctx context.Context) error { return aio.Go(ctx, func(context.Context) error { return nil }) }},
			ktMisuse{"CallSoon", func(ctx context.Context) error { _, err := aio.CallSoon(ctx, func() {}); return err }},
			ktMisuse{"CallLater", func(ctx context.Context) error { _, err := aio.CallLater(ctx, time.Second, func() {}); return err }},
			ktMisuse{"CallAt", func(ctx context.Context) error { _, err := aio.CallAt(ctx, time.Now(), func() {}); return err }},
			ktMisuse{"TimeoutAt", func(ctx context.Context) error {
				return aio.TimeoutAt(ctx, time.Now(), func(context.Context, *aio.Scope) error {
					return errors.New("the body of a misused TimeoutAt ran")
				})
			}},
			ktMisuse{"MoveOnAfter", func(ctx context.Context) error {
				return aio.MoveOnAfter(ctx, time.Second, func(context.Context, *aio.Scope) error {
					return errors.New("the body of a misused MoveOnAfter ran")
				})
			}},
			ktMisuse{"WaitFor", func(ctx context.Context) error { _, err := aio.WaitFor[int](ctx, time.Second, pending); return err }},
			ktMisuse{"GatherAll", func(ctx context.Context) error {
				_, err := aio.GatherAll(ctx, func(context.Context) (int, error) { return 0, nil })
				return err
			}},
			ktMisuse{"AsCompleted", func(ctx context.Context) error {
				for _, err := range aio.AsCompleted(ctx, pending) {
					return err
				}
				return errors.New("AsCompleted yielded nothing")
			}},
		)
		for name, bare := range map[string]context.Context{
			"context.Background()":  context.Background(),
			"context.TODO()":        context.TODO(),
			"a context.WithValue()": context.WithValue(context.Background(), ktKey{}, 1),
		} {
			for _, c := range calls {
				if err := c.call(bare); !errors.Is(err, aio.ErrNoTask) {
					t.Errorf("%s with %s = %v, want ErrNoTask", c.name, name, err)
				}
			}
		}
		return ktLoopStillWorks(t, ctx, pending, other)
	})
}

func TestNilFunctionsAreErrors(t *testing.T) {
	t.Run("Run", func(t *testing.T) {
		if _, err := aio.Run[int](nil); err == nil {
			t.Fatal("Run(nil) = nil error")
		}
	})
	ktRun(t, func(ctx context.Context) error {
		var ran bool
		ok := func(context.Context) (int, error) { ran = true; return 1, nil }
		calls := []ktMisuse{
			{"CreateTask", func(ctx context.Context) error {
				task, err := aio.CreateTask[int](ctx, nil)
				if task != nil {
					return errors.New("CreateTask(nil) returned a task")
				}
				return err
			}},
			{"Go", func(ctx context.Context) error { return aio.Go(ctx, nil) }},
			{"Timeout", func(ctx context.Context) error { return aio.Timeout(ctx, time.Second, nil) }},
			{"TimeoutAt", func(ctx context.Context) error { return aio.TimeoutAt(ctx, time.Time{}, nil) }},
			{"MoveOnAfter", func(ctx context.Context) error { return aio.MoveOnAfter(ctx, time.Second, nil) }},
			{"Gather", func(ctx context.Context) error { _, err := aio.Gather[int](ctx, nil); return err }},
			{"Gather with one nil among others", func(ctx context.Context) error { _, err := aio.Gather(ctx, ok, nil, ok); return err }},
			{"GatherAll", func(ctx context.Context) error { _, err := aio.GatherAll(ctx, ok, nil); return err }},
			{"WithTaskGroup", func(ctx context.Context) error { return aio.WithTaskGroup(ctx, nil) }},
			{"TaskGroup.Go", func(ctx context.Context) error {
				var goErr error
				err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					goErr = tg.Go(nil)
					return nil
				})
				return errors.Join(goErr, ktNotNil(err))
			}},
			{"Spawn", func(ctx context.Context) error {
				var goErr error
				err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					_, goErr = aio.Spawn[int](tg, nil)
					return nil
				})
				return errors.Join(goErr, ktNotNil(err))
			}},
			{"CallSoon", func(ctx context.Context) error { _, err := aio.CallSoon(ctx, nil); return err }},
			{"CallLater", func(ctx context.Context) error { _, err := aio.CallLater(ctx, time.Second, nil); return err }},
			{"CallAt", func(ctx context.Context) error { _, err := aio.CallAt(ctx, aio.Now(ctx), nil); return err }},
			{"WaitFor of nil", func(ctx context.Context) error { _, err := aio.WaitFor[int](ctx, time.Second, nil); return err }},
		}
		for _, c := range calls {
			err := c.call(ctx)
			if err == nil {
				t.Errorf("%s with a nil function = nil error", c.name)
			}
			if ktIsCancel(err) || errors.Is(err, aio.ErrTimeout) {
				t.Errorf("%s with a nil function = %v, a cancellation or timeout", c.name, err)
			}
		}
		if err := aio.Sleep(ctx, time.Second); err != nil {
			t.Errorf("Sleep after the misuses = %v", err)
		}
		if ran {
			t.Error("a function given together with a nil one ran")
		}
		return nil
	})
}

// ktNotNil turns an unexpected error of a group into a test failure message.
func ktNotNil(err error) error {
	if err != nil {
		return fmt.Errorf("unexpected group error: %w", err)
	}
	return nil
}

func TestRunInsideTheLoopIsErrNested(t *testing.T) {
	nested := func(ran *bool) error {
		_, err := aio.Run(func(context.Context) (int, error) { *ran = true; return 1, nil }, aio.WithVirtualClock())
		return err
	}
	cases := []struct {
		name string
		// call makes the nested Run in some place of the loop and
		// returns its error.
		call func(ctx context.Context, ran *bool) (error, error)
	}{
		{"from a task", func(ctx context.Context, ran *bool) (error, error) {
			return nested(ran), nil
		}},
		{"from a task it created", func(ctx context.Context, ran *bool) (error, error) {
			task, err := aio.CreateTask(ctx, func(context.Context) (error, error) { return nested(ran), nil })
			if err != nil {
				return nil, err
			}
			return task.Await(ctx)
		}},
		{"from a task started by Go", func(ctx context.Context, ran *bool) (error, error) {
			f := aio.NewFuture[error]()
			if err := aio.Go(ctx, func(context.Context) error { f.SetResult(nested(ran)); return nil }); err != nil {
				return nil, err
			}
			return f.Await(ctx)
		}},
		{"from a callback", func(ctx context.Context, ran *bool) (error, error) {
			f := aio.NewFuture[error]()
			if _, err := aio.CallSoon(ctx, func() { f.SetResult(nested(ran)) }); err != nil {
				return nil, err
			}
			return f.Await(ctx)
		}},
		{"from a task's done callback", func(ctx context.Context, ran *bool) (error, error) {
			f := aio.NewFuture[error]()
			task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 0))
			if err != nil {
				return nil, err
			}
			task.AddDoneCallback(func(*aio.Task[int]) { f.SetResult(nested(ran)) })
			return f.Await(ctx)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ran bool
			ktRun(t, func(ctx context.Context) error {
				got, err := c.call(ctx, &ran)
				if err != nil {
					return err
				}
				if !errors.Is(got, aio.ErrNested) {
					t.Errorf("nested Run = %v, want ErrNested", got)
				}
				return aio.Sleep(ctx, time.Second)
			})
			if ran {
				t.Error("the nested Run ran its main function")
			}
		})
	}
}
