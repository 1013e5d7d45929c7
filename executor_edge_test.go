package aio_test

// Executors at their edges, after CPython's test_threads.py and
// test_base_events.py (run_in_executor after shutdown_default_executor,
// shutdown_default_executor's timeout) and concurrent.futures' shutdown:
// a job that ends its goroutine with runtime.Goexit, Shutdown of an idle
// executor or with jobs still running or queued, one executor shared by two
// loops, the options' zero values, and no goroutine left after Run.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aio-go/aio"
)

func TestAJobThatCallsGoexitFailsItsAwaitWithErrGoexitAndTheLoopGoesOn(t *testing.T) {
	for _, ex := range etExecutors {
		t.Run(ex.name, func(t *testing.T) {
			submit, cleanup := ex.make()
			defer cleanup()
			deferred := make(chan struct{})
			err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
				_, err := submit(ctx, func(context.Context) (int, error) {
					defer close(deferred)
					runtime.Goexit() // as t.FailNow in a job would
					return 1, nil
				})
				if !errors.Is(err, aio.ErrGoexit) {
					t.Errorf("the await = %v, want ErrGoexit", err)
				}
				if _, err := etRecv(deferred, "the job's deferred call"); err != nil {
					return err
				}
				// The executor and the loop go on.
				if v, err := submit(ctx, func(context.Context) (int, error) { return 3, nil }); v != 3 || err != nil {
					t.Errorf("next job = %v, %v; want 3, <nil>", v, err)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		})
	}
}

func TestAPoolWorkerEndedByGoexitIsReplacedSoQueuedJobsRunAndShutdownReturns(t *testing.T) {
	ex := aio.NewPoolExecutor(1)
	ran := make(chan struct{})
	if err := ex.Submit(func() { runtime.Goexit() }); err != nil {
		t.Fatal(err)
	}
	if err := ex.Submit(func() { close(ran) }); err != nil {
		t.Fatal(err)
	}
	if _, err := etRecv(ran, "the job queued behind the one that called Goexit"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), etPatience)
	defer cancel()
	if err := ex.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown = %v, want <nil>: no worker is left running", err)
	}
}

func TestShutdownOfAnIdleExecutorSucceedsEvenWithAContextThatIsDone(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range 50 { // the old code lost a coin toss each time
		ex := aio.NewPoolExecutor(2)
		if i%2 == 1 { // one that ran jobs and went idle
			var wg sync.WaitGroup
			wg.Add(1)
			if err := ex.Submit(wg.Done); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			if err := ex.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if err := ex.Shutdown(done); err != nil {
			t.Fatalf("Shutdown of an idle executor with a done context = %v, want <nil>", err)
		}
	}
}

func TestShutdownWaitsForRunningAndQueuedJobsUntilItsContextIsDone(t *testing.T) {
	ex := aio.NewPoolExecutor(1)
	release, started, queuedRan := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if err := ex.Submit(func() { close(started); <-release }); err != nil {
		t.Fatal(err)
	}
	if err := ex.Submit(func() { close(queuedRan) }); err != nil {
		t.Fatal(err)
	}
	if _, err := etRecv(started, "the first job's start"); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	err := ex.Shutdown(done)
	if !errors.Is(err, aio.ErrShutdownTimeout) {
		t.Errorf("Shutdown with a running job and a done context = %v, want ErrShutdownTimeout", err)
	}
	if err := ex.Submit(func() { t.Error("a job submitted after Shutdown ran") }); !errors.Is(err, aio.ErrExecutorShutdown) {
		t.Errorf("Submit after Shutdown = %v, want ErrExecutorShutdown", err)
	}
	close(release)
	ctx, stop := context.WithTimeout(context.Background(), etPatience)
	defer stop()
	if err := ex.Shutdown(ctx); err != nil {
		t.Errorf("a second Shutdown, once the jobs can end = %v, want <nil>", err)
	}
	select {
	case <-queuedRan:
	default:
		t.Error("Shutdown returned before the job queued ahead of it ran")
	}
}

func TestOnePoolExecutorServesTwoLoopsEachGettingItsOwnResults(t *testing.T) {
	ex := aio.NewPoolExecutor(1) // one worker: the loops' jobs take turns
	defer ex.Shutdown(context.Background())
	const jobs = 5
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	for loop := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
				for i := range jobs {
					want := 100*loop + i
					v, err := aio.RunInExecutor(ctx, ex, func(context.Context) (int, error) { return want, nil })
					if v != want || err != nil {
						return fmt.Errorf("loop %d, job %d = %v, %v; want %d, <nil>", loop, i, v, err, want)
					}
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestAZeroPoolExecutorRunsJobsAndANilOneRefusesThem(t *testing.T) {
	var ex aio.PoolExecutor
	var nilEx *aio.PoolExecutor
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		if v, err := aio.RunInExecutor(ctx, &ex, func(context.Context) (int, error) { return 5, nil }); v != 5 || err != nil {
			t.Errorf("a zero PoolExecutor's job = %v, %v; want 5, <nil>", v, err)
		}
		if _, err := aio.RunInExecutor(ctx, nilEx, func(context.Context) (int, error) { return 0, nil }); !errors.Is(err, aio.ErrExecutorShutdown) {
			t.Errorf("a nil *PoolExecutor's job = %v, want ErrExecutorShutdown", err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := ex.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown of a zero PoolExecutor = %v", err)
	}
	if err := ex.Submit(func() {}); !errors.Is(err, aio.ErrExecutorShutdown) {
		t.Errorf("Submit after Shutdown = %v, want ErrExecutorShutdown", err)
	}
}

func TestWithWorkersOfZeroOrLessMeansDefaultWorkers(t *testing.T) {
	for _, n := range []int{0, -3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			err := etRun(t, []aio.Option{aio.WithVirtualClock(), aio.WithWorkers(n)}, func(ctx context.Context) error {
				// Two jobs that wait for each other need two workers at
				// once: with one, the test fails after etPatience.
				a, b := make(chan struct{}), make(chan struct{})
				meet := func(mine, theirs chan struct{}) func(ctx context.Context) (int, error) {
					return func(ctx context.Context) (int, error) {
						return aio.ToThread(ctx, func(context.Context) (int, error) {
							close(mine)
							_, err := etRecv(theirs, "the other job's start")
							return 0, err
						})
					}
				}
				_, err := aio.Gather(ctx, meet(a, b), meet(b, a))
				return err
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		})
	}
}

func TestWithExecutorWaitOfZeroOrLessMeansTheDefaultWaitNotNone(t *testing.T) {
	for _, d := range []time.Duration{0, -1} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			release, mainReturned := make(chan struct{}), make(chan struct{})
			go func() {
				<-mainReturned
				close(release)
			}()
			err := etRun(t, []aio.Option{aio.WithExecutorWait(d)}, func(ctx context.Context) error {
				defer close(mainReturned)
				started := make(chan struct{})
				if err := aio.Go(ctx, func(ctx context.Context) error {
					_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
						close(started)
						<-release // ignores its context
						return 0, nil
					})
					return err
				}); err != nil {
					return err
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				_, err := etRecv(started, "the job's start")
				return err
			})
			if err != nil {
				t.Errorf("Run = %v, want <nil>: it waits DefaultExecutorWait for the job", err)
			}
		})
	}
}

func TestNoGoroutineOfTheDefaultExecutorOutlivesRun(t *testing.T) {
	before := goleak.IgnoreCurrent()
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		job := func(ctx context.Context) (int, error) {
			return aio.ToThread(ctx, func(context.Context) (int, error) { return 1, nil })
		}
		_, err := aio.Gather(ctx, job, job, job, job, job, job, job, job)
		return err
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := goleak.Find(before); err != nil {
		t.Errorf("goroutines left after Run: %v", err)
	}
}
