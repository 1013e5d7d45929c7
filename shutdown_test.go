package aio_test

// Run's shutdown order, after asyncio.run (Lib/asyncio/runners.py and
// Lib/test/test_asyncio/test_runners.py: test_asyncio_run_cancels_hanging_tasks,
// test_asyncio_run_reports_hanging_tasks_errors, and
// test_base_events.py's shutdown_default_executor tests): when main
// returns, the leftover tasks are cancelled and awaited (and may still use
// the default executor meanwhile), their errors are reported, and only then
// is the default executor shut down, waiting for its running jobs.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestRunCancelsAndAwaitsLeftoversBeforeShuttingDownTheDefaultExecutor(t *testing.T) {
	var (
		mu    sync.Mutex
		trace []string
	)
	note := func(format string, args ...any) {
		mu.Lock()
		trace = append(trace, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	errCleanup := errors.New("cleanup failed")
	release, leftoverDone := make(chan struct{}), make(chan struct{})
	go func() {
		// The running job is let go only once the leftover task has
		// finished: the executor's shutdown, which waits for it, must
		// come after the leftovers.
		if _, err := etRecv(leftoverDone, "the leftover task's end"); err != nil {
			t.Error(err)
		}
		note("the test releases the running job")
		close(release)
	}()
	err := etRun(t, []aio.Option{aio.WithVirtualClock(), aio.WithExecutorWait(etPatience)}, func(ctx context.Context) error {
		started := make(chan struct{})
		err := aio.Go(ctx, func(ctx context.Context) error {
			defer close(leftoverDone)
			_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
				note("job runs")
				close(started)
				<-release // ignores its context
				note("job finishes")
				return 0, nil
			})
			cause, _ := etCause(err)
			note("leftover's await is cancelled by %v", cause)
			// Cleanup may still use the default executor: it is not
			// shut down yet.
			_, err = aio.ToThread(aio.Shield(ctx), func(context.Context) (int, error) {
				note("cleanup job runs")
				return 0, nil
			})
			note("leftover returns (cleanup job: %v)", err)
			return errCleanup
		}, aio.WithName("leftover"))
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if _, err := etRecv(started, "the job's start"); err != nil {
			return err
		}
		note("main returns")
		return nil
	})
	note("Run returns")

	want := []string{
		"job runs",
		"main returns",
		"leftover's await is cancelled by " + aio.ErrLoopShutdown.Error(),
		"cleanup job runs",
		"leftover returns (cleanup job: <nil>)",
		"the test releases the running job",
		"job finishes",
		"Run returns",
	}
	mu.Lock()
	got := slices.Clone(trace)
	mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("shutdown order:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	var te *aio.TaskError
	if !errors.As(err, &te) || te.Task != "leftover" || !errors.Is(err, errCleanup) {
		t.Errorf("Run = %v, want the leftover task's error as a *aio.TaskError", err)
	}
	if errors.Is(err, aio.ErrShutdownTimeout) {
		t.Errorf("Run = %v: the job finished within the executor wait", err)
	}
}

func TestALeftoversShieldedCleanupRunsOnTheVirtualClockDuringShutdown(t *testing.T) {
	// Shutdown runs the loop as usual: a leftover's cleanup that sleeps an
	// hour of virtual time costs no real time (etRun would give up).
	slept := time.Duration(0)
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		err := aio.Go(ctx, func(ctx context.Context) error {
			if _, err := aio.NewFuture[int]().Await(ctx); !errors.Is(err, aio.ErrCancelled) {
				return fmt.Errorf("the leftover's await = %v, want a cancellation", err)
			}
			t0 := aio.Now(ctx)
			err := aio.Sleep(aio.Shield(ctx), time.Hour)
			slept = aio.Now(ctx).Sub(t0)
			return err
		})
		if err != nil {
			return err
		}
		return aio.Sleep(ctx, 0) // the leftover starts and waits
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if slept != time.Hour {
		t.Errorf("the leftover's cleanup slept %v, want 1h", slept)
	}
}
