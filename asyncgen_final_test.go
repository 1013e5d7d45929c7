package aio_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// Finalization of async generators (asyncgen_final.go): asyncio's
// shutdown_asyncgens and finalizer hook, trio's cleanup order.

func TestRunClosesLiveAsyncGensAfterCancellingLeftoverTasksAndBeforeTheExecutor(t *testing.T) {
	var log []string
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() {
				// The cleanup awaits a timer and the default executor:
				// both still work at this point of the shutdown.
				aio.Sleep(ctx, time.Second)
				v, err := aio.ToThread(ctx, func(context.Context) (string, error) { return "executor ran", nil })
				log = append(log, fmt.Sprintf("cleanup: %s %v", v, err))
			}()
			for {
				if _, err := y.Yield(ctx, 1); err != nil {
					return err
				}
			}
		})
		aio.Go(ctx, func(ctx context.Context) error {
			g.Next(ctx) // leaves it suspended
			err := aio.Sleep(ctx, time.Hour)
			log = append(log, "leftover task cancelled")
			return err
		})
		aio.Sleep(ctx, 0)
		return 0, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"leftover task cancelled", "cleanup: executor ran <nil>"}
	if !slices.Equal(log, want) {
		t.Fatalf("log %q, want %q", log, want)
	}
}

func TestRunClosesInterdependentAsyncGensInnermostFirst(t *testing.T) {
	// Each generator's cleanup asks its inner one for one more value: the
	// inner one must be finished by then, so the labels come out innermost
	// first, and no cleanup meets a generator that is running.
	var saw []string
	innermost := func() *aio.AsyncGenerator[int, int] {
		return aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() {
				aio.Sleep(aio.Shield(ctx), 0)
				saw = append(saw, "innermost")
			}()
			_, err := y.Yield(ctx, 1)
			return err
		})
	}
	var wrap func(label string, inner *aio.AsyncGenerator[int, int]) *aio.AsyncGenerator[int, int]
	wrap = func(label string, inner *aio.AsyncGenerator[int, int]) *aio.AsyncGenerator[int, int] {
		return aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() {
				if _, err := inner.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) {
					saw = append(saw, fmt.Sprintf("%s: inner not finished: %v", label, err))
				}
				saw = append(saw, label)
			}()
			v, err := inner.Next(ctx)
			if err != nil {
				return err
			}
			_, err = y.Yield(ctx, v)
			return err
		})
	}
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		outer := wrap("3", wrap("2", wrap("1", innermost())))
		v, err := outer.Next(ctx)
		if v != 1 {
			return 0, fmt.Errorf("outer yielded %d, %v", v, err)
		}
		return 0, err
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"innermost", "1", "2", "3"}; !slices.Equal(saw, want) {
		t.Fatalf("cleanup order %q, want %q", saw, want)
	}
}

func TestRunReportsErrorsRaisedWhileClosingAsyncGens(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			if _, err := y.Yield(ctx, 1); err != nil {
				return fmt.Errorf("cleanup: %w", errBoom)
			}
			return nil
		})
		_, err := g.Next(ctx)
		return 0, err
	}, aio.WithVirtualClock())
	if !errors.Is(err, errBoom) {
		t.Fatalf("Run: %v, want the cleanup's error", err)
	}
}

func TestRunUnwindsAnAsyncGenWhoseCleanupNeverEnds(t *testing.T) {
	// On the virtual clock, a cleanup that waits forever deadlocks the
	// shutdown step: it is unwound and reported, not hung on.
	var deferred bool
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() { deferred = true }()
			if _, err := y.Yield(ctx, 1); err != nil {
				_, err := aio.NewFuture[int]().Await(ctx)
				return err
			}
			return nil
		})
		_, err := g.Next(ctx)
		return 0, err
	}, aio.WithVirtualClock())
	if !errors.Is(err, aio.ErrDeadlock) || !deferred {
		t.Fatalf("Run: %v, deferred %v", err, deferred)
	}
}

// startAndDrop starts a generator and drops its handle; done is set by its
// cleanup.
func startAndDrop(ctx context.Context, done *aio.Event, at *string) error {
	g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
		defer func() {
			aio.Sleep(ctx, 0) // the cleanup awaits, as part of the finalizer's task
			*at = aio.CurrentTask(ctx).Name()
			done.Set()
		}()
		_, err := y.Yield(ctx, 1)
		return err
	})
	_, err := g.Next(ctx)
	return err
}

func TestAsyncGenDroppedWhileSuspendedIsClosedByATaskOfItsLoop(t *testing.T) {
	var at string
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		done := new(aio.Event)
		if err := startAndDrop(ctx, done, &at); err != nil {
			return 0, err
		}
		// The garbage collector notices the dropped handle and posts the
		// close to the loop; the real clock bounds the wait.
		return 0, aio.Timeout(ctx, 30*time.Second, func(ctx context.Context, _ *aio.Scope) error {
			for !done.IsSet() {
				if ctx.Err() != nil {
					return errors.New("the dropped generator was not finalized within 30s")
				}
				runtime.GC()
				aio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context, _ *aio.Scope) error { return done.Wait(ctx) })
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if at != "async generator finalizer" {
		t.Fatalf("the cleanup ran in %q, want the finalizer's task", at)
	}
}

// An async generator's finalizers are its loop's (the handle's cleanup, Run's
// shutdown): the gen generator under it arms none of its own, which would
// cost three allocations (BenchmarkAsyncGenNewRun), and a steady-state
// ASend allocates nothing.
func TestAsyncGenLifeAllocatesOnlyItsOwnStateAndOneCleanup(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		life := func() {
			g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
				_, err := y.Yield(ctx, 1)
				return err
			})
			g.Next(ctx)
			g.Next(ctx)
		}
		life()
		// The handle, the state, the body's closure, the gen generator
		// and its state, and the handle's cleanup (two).
		if n := testing.AllocsPerRun(100, life); n > 7 {
			t.Errorf("a generator's life: %v allocations, want at most 7", n)
		}
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, int]) error {
			n := 0
			for {
				x, err := y.Yield(ctx, n)
				if err != nil {
					return err
				}
				n += x
			}
		})
		defer g.AClose(ctx)
		g.Next(ctx)
		if n := testing.AllocsPerRun(100, func() { g.ASend(ctx, 1) }); n != 0 {
			t.Errorf("ASend: %v allocations, want 0", n)
		}
		return 0, nil
	})
}
