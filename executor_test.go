package aio_test

// Executors: ToThread, RunInExecutor and PoolExecutor, after CPython's
// Lib/test/test_asyncio/test_threads.py (test_to_thread,
// test_to_thread_exception, test_to_thread_once, test_to_thread_contextvars)
// and test_base_events.py / test_events.py (run_in_executor,
// shutdown_default_executor), plus the rules Go adds: a job's context is
// cancelled with its await, a job cancelled before it started never runs,
// and a job that outlives its await or the loop is dropped quietly.
//
// Helpers of the executor, thread-safe, debug, signal and shutdown tests
// start with et, so that they do not collide with those of other files.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aio-go/aio"
)

// etPatience bounds every wait of these tests for something that must
// happen: it is reached only when the rule under test is broken, and then
// the test fails instead of hanging.
const etPatience = 10 * time.Second

var (
	errEtBoom = errors.New("boom")
	errEtStop = errors.New("stop")
)

// etRun runs main with exactly opts and returns Run's error, failing the test
// if Run has not returned within etPatience (a lost wake-up hangs a loop).
func etRun(t *testing.T, opts []aio.Option, main func(ctx context.Context) error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
			return struct{}{}, main(ctx)
		}, opts...)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(etPatience):
		t.Fatalf("Run did not return within %v", etPatience)
		return nil
	}
}

// etRecv receives from ch, or fails with an error naming what did not
// happen after etPatience. Called from a task, it blocks the loop's thread:
// the tests do it only to wait for an executor job or a goroutine, which do
// not need the loop to get there.
func etRecv[T any](ch <-chan T, what string) (T, error) {
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(etPatience):
		var zero T
		return zero, fmt.Errorf("%s did not happen within %v", what, etPatience)
	}
}

// etCause returns the cause of a cancellation error, and whether err is one.
func etCause(err error) (error, bool) {
	var ce *aio.CancelledError
	if !errors.As(err, &ce) || !errors.Is(err, aio.ErrCancelled) || !errors.Is(err, context.Canceled) {
		return nil, false
	}
	return ce.Cause, true
}

// etWantCancel reports an error unless err is a cancellation with cause.
func etWantCancel(err, cause error) error {
	got, ok := etCause(err)
	if !ok {
		return fmt.Errorf("got %v, want a cancellation", err)
	}
	if got != cause {
		return fmt.Errorf("cancellation cause = %v, want %v", got, cause)
	}
	return nil
}

// etGoExecutor is an Executor of its own: one goroutine per job, so that
// RunInExecutor is exercised through the interface, not the pool's fast path.
type etGoExecutor struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	shutdown bool
	refuse   error // Submit's error, if set
}

func (e *etGoExecutor) Submit(job func()) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.refuse != nil {
		return e.refuse
	}
	if e.shutdown {
		return aio.ErrExecutorShutdown
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		job()
	}()
	return nil
}

func (e *etGoExecutor) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.shutdown = true
	e.mu.Unlock()
	e.wg.Wait()
	return nil
}

// etExecutors are the ways a task can hand a job to an executor: the loop's
// default one (ToThread), a PoolExecutor, and an Executor of the user's.
// Each entry returns its submit function and a cleanup to call after Run.
var etExecutors = []struct {
	name string
	make func() (submit func(context.Context, func(context.Context) (int, error)) (int, error), cleanup func())
}{
	{"ToThread", func() (func(context.Context, func(context.Context) (int, error)) (int, error), func()) {
		return aio.ToThread[int], func() {}
	}},
	{"RunInExecutor on a PoolExecutor", func() (func(context.Context, func(context.Context) (int, error)) (int, error), func()) {
		ex := aio.NewPoolExecutor(4)
		return func(ctx context.Context, fn func(context.Context) (int, error)) (int, error) {
				return aio.RunInExecutor(ctx, ex, fn)
			}, func() {
				ex.Shutdown(context.Background())
			}
	}},
	{"RunInExecutor on a user's Executor", func() (func(context.Context, func(context.Context) (int, error)) (int, error), func()) {
		ex := &etGoExecutor{}
		return func(ctx context.Context, fn func(context.Context) (int, error)) (int, error) {
				return aio.RunInExecutor[int](ctx, ex, fn)
			}, func() {
				ex.Shutdown(context.Background())
			}
	}},
}

func TestAJobsResultAndErrorComeBackToTheAwaitingTask(t *testing.T) {
	for _, ex := range etExecutors {
		t.Run(ex.name, func(t *testing.T) {
			submit, cleanup := ex.make()
			defer cleanup()
			var calls atomic.Int32
			err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
				v, err := submit(ctx, func(context.Context) (int, error) {
					calls.Add(1)
					return 40 + 2, nil
				})
				if v != 42 || err != nil {
					t.Errorf("result = %v, %v; want 42, <nil>", v, err)
				}
				_, err = submit(ctx, func(context.Context) (int, error) {
					calls.Add(1)
					return 0, fmt.Errorf("reading the file: %w", errEtBoom)
				})
				if !errors.Is(err, errEtBoom) {
					t.Errorf("error = %v, want one wrapping %v", err, errEtBoom)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if n := calls.Load(); n != 2 {
				t.Errorf("the jobs ran %d times in all, want each once (2)", n)
			}
		})
	}
}

func TestTheLoopRunsOtherTasksWhileAJobRuns(t *testing.T) {
	for _, ex := range etExecutors {
		t.Run(ex.name, func(t *testing.T) {
			submit, cleanup := ex.make()
			defer cleanup()
			const siblingSteps = 5
			err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
				release := make(chan struct{})
				steps := 0
				sibling, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					for range siblingSteps {
						steps++
						if err := aio.Sleep(ctx, 0); err != nil {
							return steps, err
						}
					}
					close(release) // only now may the job finish
					return steps, nil
				})
				if err != nil {
					return err
				}
				// If the job held the loop, the sibling could never
				// release it.
				v, err := submit(ctx, func(context.Context) (int, error) {
					if _, err := etRecv(release, "a step of the sibling task while the job ran"); err != nil {
						return 0, err
					}
					return 7, nil
				})
				if v != 7 || err != nil {
					t.Errorf("job = %v, %v; want 7, <nil>", v, err)
				}
				if n, err := sibling.Await(ctx); n != siblingSteps || err != nil {
					t.Errorf("sibling = %v, %v; want %d, <nil>", n, err, siblingSteps)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		})
	}
}

func TestTheVirtualClockStandsStillWhileAJobRuns(t *testing.T) {
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		t0 := aio.Now(ctx)
		woke := false
		sleeper, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			err := aio.Sleep(ctx, time.Second)
			woke = true
			return 0, err
		})
		if err != nil {
			return err
		}
		type seen struct {
			woke bool
			at   time.Duration
		}
		// The job asks the loop, while it runs, whether the sleeper's
		// timer has fired: a clock that jumped while the loop had nothing
		// else to do would have fired it.
		got, err := aio.ToThread(ctx, func(context.Context) (seen, error) {
			time.Sleep(10 * time.Millisecond) // a blocking call: the loop goes idle meanwhile
			ch := make(chan seen, 1)
			if err := loop.CallSoonThreadsafe(func() { ch <- seen{woke, aio.Now(ctx).Sub(t0)} }); err != nil {
				return seen{}, err
			}
			return etRecv(ch, "the loop running a callback for the job")
		})
		if err != nil {
			return err
		}
		if got.woke || got.at != 0 {
			t.Errorf("while the job ran: sleeper woke = %v at %v, want false at 0s", got.woke, got.at)
		}
		if d := aio.Now(ctx).Sub(t0); d != 0 {
			t.Errorf("after the job: the clock moved %v, want 0s", d)
		}
		if _, err := sleeper.Await(ctx); err != nil || !woke {
			t.Errorf("sleeper = %v (woke %v), want it to wake", err, woke)
		}
		if d := aio.Now(ctx).Sub(t0); d != time.Second {
			t.Errorf("the sleeper woke at %v, want 1s", d)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestAJobCancelledBeforeItStartedNeverRuns(t *testing.T) {
	// One worker, held by a first job: the second job waits in the queue
	// when its await is cancelled.
	variants := []struct {
		name string
		opts []aio.Option
		pool bool // RunInExecutor on a PoolExecutor instead of ToThread
	}{
		{"on the default executor", []aio.Option{aio.WithWorkers(1)}, false},
		{"on a PoolExecutor", nil, true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			ex := aio.NewPoolExecutor(1)
			submit := aio.ToThread[int]
			if v.pool {
				submit = func(ctx context.Context, fn func(context.Context) (int, error)) (int, error) {
					return aio.RunInExecutor(ctx, ex, fn)
				}
			}
			var secondRan atomic.Bool
			opts := append([]aio.Option{aio.WithVirtualClock()}, v.opts...)
			err := etRun(t, opts, func(ctx context.Context) error {
				started, release := make(chan struct{}), make(chan struct{})
				first, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					return submit(ctx, func(context.Context) (int, error) {
						close(started)
						<-release
						return 1, nil
					})
				})
				if err != nil {
					return err
				}
				second, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					return submit(ctx, func(context.Context) (int, error) {
						secondRan.Store(true)
						return 2, nil
					})
				})
				if err != nil {
					return err
				}
				// Both tasks submit their jobs in this step; then wait
				// until the first job holds the only worker.
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if _, err := etRecv(started, "the first job's start"); err != nil {
					return err
				}
				second.Cancel(errEtStop)
				if _, err := second.Await(ctx); etWantCancel(err, errEtStop) != nil {
					t.Errorf("second await: %v", etWantCancel(err, errEtStop))
				}
				close(release)
				if n, err := first.Await(ctx); n != 1 || err != nil {
					t.Errorf("first = %v, %v; want 1, <nil>", n, err)
				}
				// The dropped job is no outside work the loop waits
				// for: the virtual clock jumps again.
				t0 := aio.Now(ctx)
				if err := aio.Sleep(ctx, time.Hour); err != nil {
					return err
				}
				if d := aio.Now(ctx).Sub(t0); d != time.Hour {
					t.Errorf("slept %v, want 1h", d)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			// The worker has passed the dropped job once Shutdown
			// returns (Run did it for the default executor).
			if err := ex.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			if secondRan.Load() {
				t.Error("the job whose await was cancelled before it started ran")
			}
		})
	}
}

func TestCancellingTheAwaitCancelsTheContextOfARunningJob(t *testing.T) {
	for _, ex := range etExecutors {
		t.Run(ex.name, func(t *testing.T) {
			submit, cleanup := ex.make()
			defer cleanup()
			type report struct{ err, cause error }
			saw := make(chan report, 1)
			err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
				started := make(chan struct{})
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					return submit(ctx, func(ctx context.Context) (int, error) {
						close(started)
						if _, err := etRecv(ctx.Done(), "the job's context cancellation"); err != nil {
							saw <- report{err: err}
							return 0, err
						}
						saw <- report{ctx.Err(), context.Cause(ctx)}
						return 0, ctx.Err() // a cooperating job returns early
					})
				})
				if err != nil {
					return err
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if _, err := etRecv(started, "the job's start"); err != nil {
					return err
				}
				task.Cancel(errEtStop)
				if _, err := task.Await(ctx); etWantCancel(err, errEtStop) != nil {
					t.Errorf("await: %v", etWantCancel(err, errEtStop))
				}
				r, err := etRecv(saw, "the job's return")
				if err != nil {
					return err
				}
				if r.err != context.Canceled {
					t.Errorf("job's ctx.Err() = %v, want context.Canceled", r.err)
				}
				// context.Cause of a cancelled context is never nil; the
				// task's cause is the one worth reporting.
				if r.cause != errEtStop {
					t.Errorf("context.Cause(job's ctx) = %v, want the task's cause %v", r.cause, errEtStop)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		})
	}
}

func TestAnAwaitOnANonCooperatingJobReturnsAtOnceAndRunWaitsForTheJob(t *testing.T) {
	for _, ex := range etExecutors {
		t.Run(ex.name, func(t *testing.T) {
			submit, cleanup := ex.make()
			var finished atomic.Bool
			release, mainReturned := make(chan struct{}), make(chan struct{})
			go func() {
				// The job may finish only once main has returned.
				<-mainReturned
				close(release)
			}()
			err := etRun(t, []aio.Option{aio.WithVirtualClock(), aio.WithExecutorWait(etPatience)}, func(ctx context.Context) error {
				defer close(mainReturned)
				started := make(chan struct{})
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					return submit(ctx, func(context.Context) (int, error) {
						close(started)
						<-release // ignores its context
						finished.Store(true)
						return 0, errors.New("a late error nobody awaits any more")
					})
				})
				if err != nil {
					return err
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if _, err := etRecv(started, "the job's start"); err != nil {
					return err
				}
				task.Cancel(errEtStop)
				if _, err := task.Await(ctx); etWantCancel(err, errEtStop) != nil {
					t.Errorf("await: %v", etWantCancel(err, errEtStop))
				}
				if finished.Load() {
					t.Error("the await returned only after the job finished")
				}
				return nil
			})
			if err != nil {
				t.Errorf("Run = %v, want <nil>: a dropped job's result is no error", err)
			}
			// Run shuts down the default executor, waiting for its jobs;
			// the other executors are their owner's to shut down.
			if ex.name == "ToThread" && !finished.Load() {
				t.Error("Run returned before the default executor's job finished")
			}
			cleanup()
			if !finished.Load() {
				t.Error("the executor's Shutdown returned before its job finished")
			}
		})
	}
}

// etSignallingExecutor runs each job on a goroutine of its own and closes
// posted once the job has returned, that is once it has posted its
// completion to the loop.
type etSignallingExecutor struct {
	wg     sync.WaitGroup
	posted chan struct{}
}

func (e *etSignallingExecutor) Submit(job func()) error {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		job()
		close(e.posted)
	}()
	return nil
}

func (e *etSignallingExecutor) Shutdown(context.Context) error { e.wg.Wait(); return nil }

func TestAJobsResultArrivingInTheSameStepAsTheCancellationIsDelivered(t *testing.T) {
	ex := &etSignallingExecutor{posted: make(chan struct{})}
	defer ex.Shutdown(context.Background())
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		started, release := make(chan struct{}), make(chan struct{})
		type outcome struct {
			v              int
			err, nextAwait error
		}
		task, err := aio.CreateTask(ctx, func(ctx context.Context) (outcome, error) {
			var o outcome
			o.v, o.err = aio.RunInExecutor[int](ctx, ex, func(context.Context) (int, error) {
				close(started)
				<-release
				return 9, nil
			})
			o.nextAwait = aio.Sleep(ctx, 0)
			return o, nil
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if _, err := etRecv(started, "the job's start"); err != nil {
			return err
		}
		// While this step holds the loop, the job's completion reaches
		// the loop's inbox; then the task is cancelled, before it can
		// take a step.
		close(release)
		if _, err := etRecv(ex.posted, "the job's completion"); err != nil {
			return err
		}
		task.Cancel(errEtStop)
		o, err := task.Await(ctx)
		if err != nil {
			return err
		}
		if o.v != 9 || o.err != nil {
			t.Errorf("the await = %v, %v; want the job's result 9, <nil>: a result is never lost", o.v, o.err)
		}
		if err := etWantCancel(o.nextAwait, errEtStop); err != nil {
			t.Errorf("the next await: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestAPanicInAJobComesBackAsAPanicError(t *testing.T) {
	for _, ex := range etExecutors {
		t.Run(ex.name, func(t *testing.T) {
			submit, cleanup := ex.make()
			defer cleanup()
			err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
				_, err := submit(ctx, func(context.Context) (int, error) {
					panic("kaboom")
				})
				var pe *aio.PanicError
				if !errors.As(err, &pe) {
					t.Errorf("error = %v, want a *aio.PanicError", err)
					return nil
				}
				if pe.Value != "kaboom" {
					t.Errorf("PanicError.Value = %v, want kaboom", pe.Value)
				}
				if !strings.Contains(string(pe.Stack), "TestAPanicInAJobComesBackAsAPanicError") {
					t.Errorf("PanicError.Stack does not show the job's function:\n%s", pe.Stack)
				}
				// The executor and the loop go on.
				if v, err := submit(ctx, func(context.Context) (int, error) { return 3, nil }); v != 3 || err != nil {
					t.Errorf("next job = %v, %v; want 3, <nil>", v, err)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v (a panic handed to the awaiter is retrieved)", err)
			}
		})
	}
}

func TestSubmittingToAShutDownExecutorFailsWithErrExecutorShutdown(t *testing.T) {
	ex := aio.NewPoolExecutor(2)
	if err := ex.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := ex.Submit(func() { t.Error("a job submitted after Shutdown ran") }); !errors.Is(err, aio.ErrExecutorShutdown) {
		t.Errorf("Submit = %v, want ErrExecutorShutdown", err)
	}
	if err := ex.Shutdown(context.Background()); err != nil {
		t.Errorf("a second Shutdown = %v, want <nil>", err)
	}
	var ran atomic.Bool
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		_, err := aio.RunInExecutor(ctx, ex, func(context.Context) (int, error) {
			ran.Store(true)
			return 0, nil
		})
		if !errors.Is(err, aio.ErrExecutorShutdown) {
			t.Errorf("RunInExecutor = %v, want ErrExecutorShutdown", err)
		}
		// The refused job leaves no outside work behind: the virtual
		// clock still jumps.
		return aio.Sleep(ctx, time.Hour)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if ran.Load() {
		t.Error("the refused job ran")
	}
}

func TestAnExecutorsSubmitErrorIsReturnedByRunInExecutor(t *testing.T) {
	errFull := errors.New("executor full")
	ex := &etGoExecutor{refuse: errFull}
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		_, err := aio.RunInExecutor[int](ctx, ex, func(context.Context) (int, error) { return 0, nil })
		if !errors.Is(err, errFull) {
			t.Errorf("RunInExecutor = %v, want %v", err, errFull)
		}
		return aio.Sleep(ctx, time.Hour)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestRunReportsErrShutdownTimeoutWhenAJobOutlivesTheExecutorWait(t *testing.T) {
	const wait = 50 * time.Millisecond
	release, finished := make(chan struct{}), make(chan struct{})
	begin := time.Now()
	err := etRun(t, []aio.Option{aio.WithExecutorWait(wait)}, func(ctx context.Context) error {
		started := make(chan struct{})
		err := aio.Go(ctx, func(ctx context.Context) error {
			_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
				close(started)
				<-release // ignores its context
				close(finished)
				return 0, nil
			})
			return err
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		_, err = etRecv(started, "the job's start")
		return err
	})
	took := time.Since(begin)
	close(release)
	if _, werr := etRecv(finished, "the released job's end"); werr != nil {
		t.Error(werr)
	}
	if !errors.Is(err, aio.ErrShutdownTimeout) {
		t.Fatalf("Run = %v, want an error wrapping ErrShutdownTimeout", err)
	}
	if errors.Is(err, aio.ErrCancelled) {
		t.Errorf("Run = %v: the cancelled leftover task is not an error to report", err)
	}
	if took < wait {
		t.Errorf("Run returned after %v, before the executor wait of %v was over", took, wait)
	}
}

func TestAJobFinishingAfterRunReturnedIsDroppedQuietly(t *testing.T) {
	before := goleak.IgnoreCurrent()
	release, finished := make(chan struct{}), make(chan struct{})
	var loop *aio.Loop
	err := etRun(t, []aio.Option{aio.WithExecutorWait(time.Millisecond)}, func(ctx context.Context) error {
		var err error
		if loop, err = aio.GetRunningLoop(ctx); err != nil {
			return err
		}
		started := make(chan struct{})
		err = aio.Go(ctx, func(ctx context.Context) error {
			_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
				close(started)
				<-release
				close(finished)
				panic("a job that ends badly after the loop closed")
			})
			return err
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		_, err = etRecv(started, "the job's start")
		return err
	})
	if !errors.Is(err, aio.ErrShutdownTimeout) {
		t.Fatalf("Run = %v, want ErrShutdownTimeout", err)
	}
	close(release)
	if _, err := etRecv(finished, "the released job's end"); err != nil {
		t.Fatal(err)
	}
	// The job's goroutine ends (its completion was refused by the closed
	// loop, not run on it), and so does the executor's shutdown.
	if err := goleak.Find(before); err != nil {
		t.Errorf("goroutines left after the late job: %v", err)
	}
	if err := loop.CallSoonThreadsafe(func() {}); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("CallSoonThreadsafe on the closed loop = %v, want ErrLoopClosed", err)
	}
}

type etKey string

func TestAJobsContextCarriesTheValuesOfTheAwaitsContext(t *testing.T) {
	outer := context.WithValue(context.Background(), etKey("run"), "from WithContext")
	err := etRun(t, []aio.Option{aio.WithVirtualClock(), aio.WithContext(outer)}, func(ctx context.Context) error {
		taskCtx := context.WithValue(ctx, etKey("task"), "from the task's parent")
		task, err := aio.CreateTask(taskCtx, func(ctx context.Context) ([]any, error) {
			awaitCtx := context.WithValue(ctx, etKey("await"), "from the await")
			return aio.ToThread(awaitCtx, func(ctx context.Context) ([]any, error) {
				_, hasDeadline := ctx.Deadline()
				return []any{ctx.Value(etKey("run")), ctx.Value(etKey("task")), ctx.Value(etKey("await")), hasDeadline}, nil
			})
		})
		if err != nil {
			return err
		}
		got, err := task.Await(ctx)
		if err != nil {
			return err
		}
		want := []any{"from WithContext", "from the task's parent", "from the await", false}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the job saw %v, want %v", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestAJobCallingLoopAPIsWithItsContextGetsErrWrongTask(t *testing.T) {
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		errs, err := aio.ToThread(ctx, func(jctx context.Context) ([]error, error) {
			_, e1 := aio.CreateTask(jctx, func(context.Context) (int, error) { return 0, nil })
			_, e2 := aio.CallSoon(jctx, func() {})
			e3 := aio.Sleep(jctx, 0)
			_, e4 := aio.ToThread(jctx, func(context.Context) (int, error) { return 0, nil })
			return []error{e1, e2, e3, e4}, nil
		})
		if err != nil {
			return err
		}
		for i, e := range errs {
			if !errors.Is(e, aio.ErrWrongTask) {
				t.Errorf("loop call %d from the job = %v, want ErrWrongTask", i+1, e)
			}
		}
		// The loop is unharmed.
		return aio.Sleep(ctx, time.Second)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestATimeoutAroundToThreadCancelsTheJobsContext(t *testing.T) {
	// Real clock: the virtual one stands still while the job runs.
	err := etRun(t, nil, func(ctx context.Context) error {
		sawDone := make(chan error, 1)
		err := aio.Timeout(ctx, 20*time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
			_, err := aio.ToThread(ctx, func(ctx context.Context) (int, error) {
				_, err := etRecv(ctx.Done(), "the job's cancellation by the timeout")
				sawDone <- err
				return 0, ctx.Err()
			})
			return err
		})
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("Timeout = %v, want ErrTimeout", err)
		}
		if e, err := etRecv(sawDone, "the job's return"); err != nil || e != nil {
			t.Errorf("job: %v %v", e, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestToThreadAndRunInExecutorRejectBadArguments(t *testing.T) {
	ex := aio.NewPoolExecutor(1)
	defer ex.Shutdown(context.Background())
	job := func(context.Context) (int, error) { return 0, nil }
	if _, err := aio.ToThread(context.Background(), job); !errors.Is(err, aio.ErrNoTask) {
		t.Errorf("ToThread outside a loop = %v, want ErrNoTask", err)
	}
	if _, err := aio.RunInExecutor(context.Background(), ex, job); !errors.Is(err, aio.ErrNoTask) {
		t.Errorf("RunInExecutor outside a loop = %v, want ErrNoTask", err)
	}
	if err := ex.Submit(nil); err == nil {
		t.Error("Submit(nil) = <nil>, want an error")
	}
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		if _, err := aio.ToThread[int](ctx, nil); err == nil {
			t.Error("ToThread(nil) = <nil>, want an error")
		}
		if _, err := aio.RunInExecutor[int](ctx, ex, nil); err == nil {
			t.Error("RunInExecutor(ex, nil) = <nil>, want an error")
		}
		if _, err := aio.RunInExecutor(ctx, nil, job); err == nil {
			t.Error("RunInExecutor(nil executor) = <nil>, want an error")
		}
		return aio.Sleep(ctx, time.Hour) // nothing was left behind
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}
