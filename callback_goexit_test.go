package aio_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// runtime.Goexit in a callback (as testing's FailNow calls) ends the
// goroutine that runs the loop, since nothing can stop a Goexit; before it
// ends, the loop shuts down as at the end of Run, so that no task's
// goroutine outlives it (the package's leak check after the tests says so).

// runOnAGoroutine runs main in a loop on a goroutine of its own and reports
// whether Run returned (it must not: its goroutine ends).
func runOnAGoroutine(t *testing.T, main func(ctx context.Context) (int, error)) (returned bool) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		aio.Run(main, aio.WithVirtualClock())
		returned = true
	}()
	<-done
	return returned
}

func isLoopShutdown(err error) bool {
	var ce *aio.CancelledError
	return errors.As(err, &ce) && errors.Is(ce.Cause, aio.ErrLoopShutdown)
}

func TestGoexitInACallbackShutsTheLoopDownBeforeItsGoroutineEnds(t *testing.T) {
	var unwound []error
	returned := runOnAGoroutine(t, func(ctx context.Context) (int, error) {
		for range 3 {
			aio.Go(ctx, func(ctx context.Context) error {
				err := aio.Sleep(ctx, time.Hour)
				unwound = append(unwound, err)
				return err
			})
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return 0, err
		}
		if _, err := aio.CallSoon(ctx, runtime.Goexit); err != nil {
			return 0, err
		}
		err := aio.Sleep(ctx, time.Hour)
		unwound = append(unwound, err)
		return 0, err
	})
	if returned {
		t.Fatal("Run returned after runtime.Goexit in a callback")
	}
	if len(unwound) != 4 {
		t.Fatalf("%d of the 4 tasks were unwound: %v", len(unwound), unwound)
	}
	for _, err := range unwound {
		if !isLoopShutdown(err) {
			t.Errorf("a task ended with %v, want a cancellation by the loop's shutdown", err)
		}
	}
}

func TestGoexitInACallbackDuringTheShutdownUnwindsTheTasksLeft(t *testing.T) {
	var deferred int
	returned := runOnAGoroutine(t, func(ctx context.Context) (int, error) {
		// Cancelled by the shutdown, the first task schedules the Goexit
		// and ends; the second ignores its cancellation and parks again,
		// so it is still alive when the callback runs.
		aio.Go(ctx, func(ctx context.Context) error {
			err := aio.Sleep(ctx, time.Hour)
			aio.CallSoon(ctx, runtime.Goexit)
			return err
		})
		aio.Go(ctx, func(ctx context.Context) error {
			defer func() { deferred++ }()
			aio.Sleep(ctx, time.Hour)
			f := aio.NewFuture[int]()
			_, err := f.Await(aio.Shield(ctx)) // never set
			return err
		})
		return 0, aio.Sleep(ctx, 0)
	})
	if returned {
		t.Fatal("Run returned after runtime.Goexit in a callback")
	}
	if deferred != 1 {
		t.Fatalf("the task left alive was unwound %d times, want 1", deferred)
	}
}
