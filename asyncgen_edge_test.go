package aio_test

// Async generators at their edges, after CPython's Lib/test/test_asyncgen.py
// (athrow on an exhausted generator, aclose from the body, "ignored
// GeneratorExit", a cancelled asend that the body catches) and trio's
// test_asyncgen.py (test_firstiter_after_closing, an error in a finalizer,
// a generator collected while it runs): the rules of asyncgen.go and
// asyncgen_final.go where the common tests do not reach.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/aio-go/aio"
)

func TestAnAsyncGenIsNotFinalizedWhileItsLastCallIsInFlight(t *testing.T) {
	var handle weak.Pointer[aio.AsyncGenerator[int, int]]
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			runtime.GC() // the handle is the driver's: it must survive this
			if handle.Value() == nil {
				return errors.New("the handle was collected while its ASend ran the body")
			}
			_, err := y.Yield(ctx, 1)
			return err
		})
		handle = weak.Make(g)
		_, err := g.Next(ctx) // the handle's last use
		return 0, err
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestAsyncGenAThrowOnAFinishedGeneratorReturnsTheErrorAndChangesNothing(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			_, err := y.Yield(ctx, 1)
			return err
		})
		if _, err := g.Next(ctx); err != nil {
			return 0, err
		}
		if _, err := g.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) {
			return 0, fmt.Errorf("Next at the end = %v, want ErrStopAsyncIteration", err)
		}
		if _, err := g.AThrow(ctx, errBoom); err != errBoom {
			return 0, fmt.Errorf("AThrow on a finished generator = %v, want the error thrown", err)
		}
		if err := g.Err(); err != nil {
			return 0, fmt.Errorf("Err after AThrow on a finished generator = %v, want <nil>", err)
		}
		if _, err := g.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) {
			return 0, fmt.Errorf("Next after that = %v, want ErrStopAsyncIteration", err)
		}
		return 0, nil
	})
}

func TestAsyncGenAThrowThatTheBodyCatchesBeforeReturningEndsTheIteration(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var caught error
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			_, caught = y.Yield(ctx, 1)
			return nil
		})
		if _, err := g.Next(ctx); err != nil {
			return 0, err
		}
		if _, err := g.AThrow(ctx, errBoom); !errors.Is(err, aio.ErrStopAsyncIteration) {
			return 0, fmt.Errorf("AThrow caught by a body that returns = %v, want ErrStopAsyncIteration", err)
		}
		if caught != errBoom || !g.Done() {
			return 0, fmt.Errorf("the body caught %v, done %v; want %v, true", caught, g.Done(), errBoom)
		}
		return 0, nil
	})
}

func TestAsyncGenACloseOrAThrowFromItsOwnBodyIsAnError(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var g *aio.AsyncGenerator[int, int]
		var closeErr, throwErr error
		g = aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			closeErr = g.AClose(ctx)
			_, throwErr = g.AThrow(ctx, errBoom)
			_, err := y.Yield(ctx, 1)
			return err
		})
		if v, err := g.Next(ctx); v != 1 || err != nil {
			return 0, fmt.Errorf("Next = %v, %v; want 1, <nil>: the refused calls changed nothing", v, err)
		}
		if !errors.Is(closeErr, aio.ErrAsyncGenRunning) || !errors.Is(throwErr, aio.ErrAsyncGenRunning) {
			return 0, fmt.Errorf("AClose, AThrow from the body = %v, %v; want ErrAsyncGenRunning", closeErr, throwErr)
		}
		return 0, g.AClose(ctx)
	})
}

func TestAPanicInAnAsyncGensCleanupComesOutOfACloseAndFinishesIt(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() {
				if aio.Sleep(ctx, time.Second) == nil { // the cleanup awaits, then fails
					panic("cleanup failed")
				}
			}()
			_, err := y.Yield(ctx, 1)
			return err
		})
		if _, err := g.Next(ctx); err != nil {
			return 0, err
		}
		var p any
		func() {
			defer func() { p = recover() }()
			g.AClose(ctx)
		}()
		if p != "cleanup failed" {
			return 0, fmt.Errorf("AClose panicked with %v, want the cleanup's panic", p)
		}
		if _, err := g.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) {
			return 0, fmt.Errorf("Next after the panic = %v, want ErrStopAsyncIteration", err)
		}
		if !g.Done() || g.Err() == nil {
			return 0, fmt.Errorf("after the panic: done %v, Err %v; want true and an error", g.Done(), g.Err())
		}
		return 0, g.AClose(ctx) // a finished generator: nothing to do
	})
}

func TestACancelledASendWhoseBodyCatchesTheCancellationReturnsWhatItYields(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			for {
				v := 0
				if aio.Sleep(ctx, time.Hour) != nil {
					v = -1 // caught: Python's `except CancelledError: yield -1`
				}
				if _, err := y.Yield(ctx, v); err != nil {
					return err
				}
			}
		})
		type got struct {
			v   int
			err error
		}
		task, err := aio.CreateTask(ctx, func(ctx context.Context) (got, error) {
			v, err := g.Next(ctx)
			return got{v, err}, nil
		})
		if err != nil {
			return 0, err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return 0, err
		}
		task.Cancel(errEtStop)
		r, err := task.Await(ctx)
		if err != nil || r.v != -1 || r.err != nil {
			return 0, fmt.Errorf("the cancelled ASend = %+v, %v; want -1, <nil>: the body caught it and yielded", r, err)
		}
		if g.Done() {
			return 0, errors.New("the generator finished, but its body went on")
		}
		// Another task drives it on, with a context not cancelled.
		start := aio.Now(ctx)
		if v, err := g.Next(ctx); v != 0 || err != nil || aio.Now(ctx).Sub(start) != time.Hour {
			return 0, fmt.Errorf("the next Next = %v, %v after %v; want 0, <nil> after 1h", v, err, aio.Now(ctx).Sub(start))
		}
		return 0, g.AClose(ctx)
	})
}

func TestAnAsyncGenThatIgnoresACloseStaysSuspendedAndRunsShutdownUnwindsIt(t *testing.T) {
	deferred := 0
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() { deferred++ }()
			for i := 0; ; i++ {
				y.Yield(ctx, i) // ignores every error, the exit too
			}
		})
		if _, err := g.Next(ctx); err != nil {
			return 0, err
		}
		if err := g.AClose(ctx); !errors.Is(err, aio.ErrAsyncGenIgnoredExit) {
			return 0, fmt.Errorf("AClose = %v, want ErrAsyncGenIgnoredExit", err)
		}
		if g.Done() || deferred != 0 {
			return 0, fmt.Errorf("after the ignored close: done %v, cleanup ran %d times; want a suspended generator", g.Done(), deferred)
		}
		if v, err := g.Next(ctx); v != 2 || err != nil {
			return 0, fmt.Errorf("Next after the ignored close = %v, %v; want 2, <nil>", v, err)
		}
		for v, err := range g.All(ctx) { // a break asks once more, in vain
			if err != nil {
				return 0, err
			}
			_ = v
			break
		}
		if g.Done() {
			return 0, errors.New("a break finished a generator that ignores its close")
		}
		return 0, nil
	}, aio.WithVirtualClock())
	if !errors.Is(err, aio.ErrAsyncGenIgnoredExit) {
		t.Errorf("Run = %v, want ErrAsyncGenIgnoredExit from its shutdown", err)
	}
	if deferred != 1 {
		t.Errorf("the body's deferred call ran %d times, want once: Run unwinds it", deferred)
	}
}

func TestAnAsyncGenFirstStartedByAnotherOnesCleanupAtShutdownIsClosedToo(t *testing.T) {
	var log []string
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		late := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() { log = append(log, "late closed") }()
			_, err := y.Yield(ctx, 1)
			return err
		})
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			_, err := y.Yield(ctx, 1)
			// Closed at shutdown: the cleanup starts another generator
			// and leaves it suspended.
			if _, err := late.Next(ctx); err != nil {
				log = append(log, fmt.Sprint("late.Next: ", err))
			}
			log = append(log, "outer closed")
			return err
		})
		_, err := g.Next(ctx)
		return 0, err
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if fmt.Sprint(log) != "[outer closed late closed]" {
		t.Errorf("log = %q, want the late generator closed after the one that started it", log)
	}
}

func TestAnErrorInTheCleanupOfADroppedAsyncGenIsReportedByRun(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		done := new(aio.Event)
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer done.Set()
			if _, err := y.Yield(ctx, 1); err != nil {
				return fmt.Errorf("cleanup: %w", errBoom)
			}
			return nil
		})
		if _, err := g.Next(ctx); err != nil {
			return 0, err
		}
		g = nil
		// The garbage collector notices the dropped handle; the real
		// clock bounds the wait.
		return 0, aio.Timeout(ctx, etPatience, func(ctx context.Context, _ *aio.Scope) error {
			for !done.IsSet() {
				runtime.GC()
				aio.MoveOnAfter(ctx, 10*time.Millisecond, func(ctx context.Context, _ *aio.Scope) error { return done.Wait(ctx) })
				if ctx.Err() != nil {
					return errors.New("the dropped generator was not finalized in time")
				}
			}
			return nil
		})
	})
	var te *aio.TaskError
	if !errors.Is(err, errBoom) || !errors.As(err, &te) || te.Task != "async generator finalizer" {
		t.Fatalf("Run = %v, want the cleanup's error, reported for the finalizer's task", err)
	}
}
