package aio_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

// Async generators (asyncgen.go). The rules mirror CPython's
// Lib/test/test_asyncgen.py (asend/athrow/aclose, "already running",
// "ignored GeneratorExit", aclose after exhaustion, StopAsyncIteration in
// the body) and trio's test_asyncgen.py (cleanup order, finalization at
// shutdown); each test is written for aio.

type ay = aio.AsyncYielder[int, int]

// echo yields 0, then whatever is sent plus one, awaiting Sleep(d) before
// each yield; log records its cleanup.
func echo(d time.Duration, log *[]string) *aio.AsyncGenerator[int, int] {
	return aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
		defer func() { *log = append(*log, "cleanup") }()
		v := -1
		for {
			if err := aio.Sleep(ctx, d); err != nil {
				return err
			}
			var err error
			if v, err = y.Yield(ctx, v+1); err != nil {
				return err
			}
		}
	})
}

func TestAsyncGenASendResumesTheBodyWhichAwaitsAsPartOfTheTask(t *testing.T) {
	var log []string
	runV(t, func(ctx context.Context) (int, error) {
		g := echo(time.Second, &log)
		start := aio.Now(ctx)
		if v, err := g.ASend(ctx, 0); v != 0 || err != nil {
			return 0, fmt.Errorf("first ASend: %v, %v", v, err)
		}
		if v, err := g.ASend(ctx, 41); v != 42 || err != nil {
			return 0, fmt.Errorf("ASend(41): %v, %v", v, err)
		}
		if d := aio.Now(ctx).Sub(start); d != 2*time.Second {
			return 0, fmt.Errorf("two awaits took %v", d)
		}
		return 0, g.AClose(ctx)
	})
	if !slices.Equal(log, []string{"cleanup"}) {
		t.Fatalf("log %q", log)
	}
}

func TestAsyncGenFirstASendMustCarryTheZeroValue(t *testing.T) {
	var log []string
	runV(t, func(ctx context.Context) (int, error) {
		g := echo(0, &log)
		if _, err := g.ASend(ctx, 5); !errors.Is(err, gen.ErrNonZeroStart) {
			return 0, fmt.Errorf("ASend(5) first: %v", err)
		}
		if v, err := g.Next(ctx); v != 0 || err != nil {
			return 0, fmt.Errorf("then Next: %v, %v", v, err)
		}
		return 0, g.AClose(ctx)
	})
}

func TestAsyncGenReturnEndsWithStopAsyncIterationEveryTime(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			y.Yield(ctx, 1)
			return nil
		})
		g.Next(ctx)
		for i := range 2 {
			if _, err := g.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) {
				return 0, fmt.Errorf("Next %d after the end: %v", i, err)
			}
		}
		if !g.Done() || g.Err() != nil {
			return 0, fmt.Errorf("Done %v, Err %v", g.Done(), g.Err())
		}
		return 0, nil
	})
}

func TestAsyncGenBodyErrorComesOutOfASendOnceThenStop(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			y.Yield(ctx, 1)
			return errBoom
		})
		g.Next(ctx)
		if _, err := g.Next(ctx); !errors.Is(err, errBoom) {
			return 0, fmt.Errorf("end: %v", err)
		}
		if _, err := g.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) {
			return 0, fmt.Errorf("after: %v", err)
		}
		if !errors.Is(g.Err(), errBoom) {
			return 0, fmt.Errorf("Err %v", g.Err())
		}
		return 0, nil
	})
}

func TestAsyncGenBodyRaisingStopAsyncIterationIsABug(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			return aio.ErrStopAsyncIteration
		})
		_, err := g.Next(ctx)
		var raised *aio.RaisedStopAsyncIteration
		if !errors.As(err, &raised) || errors.Is(err, aio.ErrStopAsyncIteration) {
			return 0, fmt.Errorf("Next: %v", err)
		}
		return 0, nil
	})
}

func TestAsyncGenSecondASendWhileOneIsInFlightIsAnError(t *testing.T) {
	var log []string
	runV(t, func(ctx context.Context) (int, error) {
		g := echo(time.Second, &log)
		first, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return g.Next(ctx) })
		aio.Sleep(ctx, 0) // first is parked in the body's Sleep
		if _, err := g.ASend(ctx, 0); !errors.Is(err, aio.ErrAsyncGenRunning) {
			return 0, fmt.Errorf("concurrent ASend: %v", err)
		}
		if _, err := g.AThrow(ctx, errBoom); !errors.Is(err, aio.ErrAsyncGenRunning) {
			return 0, fmt.Errorf("concurrent AThrow: %v", err)
		}
		if err := g.AClose(ctx); !errors.Is(err, aio.ErrAsyncGenRunning) {
			return 0, fmt.Errorf("concurrent AClose: %v", err)
		}
		if v, err := first.Await(ctx); v != 0 || err != nil {
			return 0, fmt.Errorf("the first ASend, undisturbed: %v, %v", v, err)
		}
		if v, err := g.ASend(ctx, 1); v != 2 || err != nil {
			return 0, fmt.Errorf("next ASend: %v, %v", v, err)
		}
		return 0, g.AClose(ctx)
	})
}

func TestAsyncGenASendFromItsOwnBodyIsAnError(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var g *aio.AsyncGenerator[int, int]
		var inner error
		g = aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			_, inner = g.Next(ctx)
			return nil
		})
		g.Next(ctx)
		if !errors.Is(inner, aio.ErrAsyncGenRunning) {
			return 0, fmt.Errorf("ASend from the body: %v", inner)
		}
		return 0, nil
	})
}

func TestAsyncGenAThrowIsRaisedAtTheYield(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			if _, err := y.Yield(ctx, 1); errors.Is(err, errBoom) {
				aio.Sleep(ctx, time.Second) // handles it, awaiting
				y.Yield(ctx, 2)
			}
			return errors.New("second throw passes through")
		})
		g.Next(ctx)
		if v, err := g.AThrow(ctx, errBoom); v != 2 || err != nil {
			return 0, fmt.Errorf("AThrow handled: %v, %v", v, err)
		}
		if _, err := g.AThrow(ctx, errBoom); err == nil || errors.Is(err, errBoom) {
			return 0, fmt.Errorf("AThrow ending the body: %v", err)
		}
		if _, err := g.AThrow(ctx, errBoom); !errors.Is(err, errBoom) {
			return 0, fmt.Errorf("AThrow on a finished generator: %v", err)
		}
		if _, err := g.AThrow(ctx, nil); !errors.Is(err, gen.ErrNilThrow) {
			return 0, fmt.Errorf("AThrow(nil): %v", err)
		}
		return 0, nil
	})
}

func TestAsyncGenAThrowOnAnUnstartedGeneratorFinishesItWithoutRunningTheBody(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		ran := false
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error { ran = true; return nil })
		if _, err := g.AThrow(ctx, errBoom); !errors.Is(err, errBoom) || ran || !g.Done() {
			return 0, fmt.Errorf("AThrow: %v, ran %v, done %v", err, ran, g.Done())
		}
		return 0, nil
	})
}

func TestAsyncGenACloseRunsTheCleanupWhichMayAwait(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var at time.Duration
		start := aio.Now(ctx)
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			defer func() {
				aio.Sleep(ctx, time.Second)
				at = aio.Now(ctx).Sub(start)
			}()
			_, err := y.Yield(ctx, 1)
			return err
		})
		g.Next(ctx)
		if err := g.AClose(ctx); err != nil || at != time.Second || !g.Done() {
			return 0, fmt.Errorf("AClose: %v, cleanup done at %v", err, at)
		}
		return 0, nil
	})
}

func TestAsyncGenYieldingInResponseToACloseIsAnError(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			for {
				y.Yield(ctx, 1) // ignores every error
			}
		})
		g.Next(ctx)
		err := g.AClose(ctx)
		if !errors.Is(err, aio.ErrAsyncGenIgnoredExit) || !errors.Is(err, gen.ErrIgnoredExit) || g.Done() {
			return 0, fmt.Errorf("AClose: %v, done %v", err, g.Done())
		}
		return 0, nil
	}, aio.WithVirtualClock())
	// Run's shutdown asks again, and reports the second refusal.
	if !errors.Is(err, aio.ErrAsyncGenIgnoredExit) {
		t.Fatalf("Run: %v, want the shutdown's ErrAsyncGenIgnoredExit", err)
	}
}

func TestAsyncGenACloseAfterExhaustionOrBeforeStartDoesNothing(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		ran := false
		unstarted := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error { ran = true; return nil })
		if err := unstarted.AClose(ctx); err != nil || ran || !unstarted.Done() {
			return 0, fmt.Errorf("AClose unstarted: %v, ran %v", err, ran)
		}
		if _, err := unstarted.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) || ran {
			return 0, fmt.Errorf("Next after AClose: %v, ran %v", err, ran)
		}
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error { return nil })
		g.Next(ctx)
		for range 2 {
			if err := g.AClose(ctx); err != nil {
				return 0, fmt.Errorf("AClose exhausted: %v", err)
			}
		}
		return 0, nil
	})
}

func TestAsyncGenACloseReturnsTheCleanupsError(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			if _, err := y.Yield(ctx, 1); err != nil {
				return fmt.Errorf("cleanup failed: %w", errBoom)
			}
			return nil
		})
		g.Next(ctx)
		if err := g.AClose(ctx); !errors.Is(err, errBoom) || !errors.Is(g.Err(), errBoom) {
			return 0, fmt.Errorf("AClose: %v, Err %v", err, g.Err())
		}
		return 0, nil
	})
}

func TestAsyncGenBreakOutOfAllClosesItAtOnce(t *testing.T) {
	var log []string
	runV(t, func(ctx context.Context) (int, error) {
		g := echo(time.Second, &log)
		for v, err := range g.All(ctx) {
			if err != nil {
				return 0, err
			}
			if v == 1 {
				break
			}
		}
		log = append(log, "after loop")
		return 0, nil
	})
	if want := []string{"cleanup", "after loop"}; !slices.Equal(log, want) {
		t.Fatalf("log %q, want %q", log, want)
	}
}

func TestAsyncGenCancellingTheDriverCancelsTheBodysAwait(t *testing.T) {
	var log []string
	runV(t, func(ctx context.Context) (int, error) {
		g := echo(time.Hour, &log)
		task, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return g.Next(ctx) })
		aio.Sleep(ctx, time.Second)
		task.Cancel(nil)
		if _, err := task.Await(ctx); !errors.Is(err, aio.ErrCancelled) || !g.Done() {
			return 0, fmt.Errorf("cancelled driver: %v, done %v", err, g.Done())
		}
		return 0, nil
	})
	if !slices.Equal(log, []string{"cleanup"}) {
		t.Fatalf("log %q", log)
	}
}

func TestAsyncGenBodyAwaitsOnBehalfOfWhicheverTaskDrivesIt(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[aio.AnyTask, int]) error {
			for {
				aio.Sleep(ctx, 0)
				if _, err := y.Yield(ctx, aio.CurrentTask(ctx)); err != nil {
					return err
				}
			}
		})
		defer g.AClose(ctx)
		a, _ := aio.CreateTask(ctx, func(ctx context.Context) (aio.AnyTask, error) { return g.Next(ctx) })
		ta, err := a.Await(ctx)
		if err != nil || ta != aio.AnyTask(a) {
			return 0, fmt.Errorf("driven by a: %v, %v", ta, err)
		}
		if tm, err := g.Next(ctx); err != nil || tm != aio.CurrentTask(ctx) {
			return 0, fmt.Errorf("driven by main: %v, %v", tm, err)
		}
		return 0, nil
	})
}

func TestAsyncGenPanicInTheBodyComesOutOfASend(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error { panic("body") })
		g.Next(ctx)
		return 0, nil
	}, aio.WithVirtualClock())
	var pe *aio.PanicError
	if !errors.As(err, &pe) || pe.Value != "body" {
		t.Fatalf("Run: %v", err)
	}
}

func TestAsyncGenMisuse(t *testing.T) {
	t.Run("a nil body panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		aio.NewAsyncGenerator[int, int](nil)
	})
	t.Run("a zero generator fails with ErrInvalidState", func(t *testing.T) {
		runV(t, func(ctx context.Context) (int, error) {
			var g aio.AsyncGenerator[int, int]
			_, e1 := g.Next(ctx)
			_, e2 := g.AThrow(ctx, errBoom)
			for _, err := range []error{e1, e2, g.AClose(ctx), g.Err()} {
				if !errors.Is(err, aio.ErrInvalidState) {
					return 0, fmt.Errorf("zero generator: %v", err)
				}
			}
			if g.Done() {
				return 0, errors.New("a zero generator is done")
			}
			return 0, nil
		})
	})
	t.Run("a call without a task fails with ErrNoTask", func(t *testing.T) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error { return nil })
		if _, err := g.Next(context.Background()); !errors.Is(err, aio.ErrNoTask) {
			t.Fatalf("Next: %v", err)
		}
	})
	t.Run("a call from another loop fails with ErrWrongLoop", func(t *testing.T) {
		var log []string
		g := echo(0, &log)
		runV(t, func(ctx context.Context) (int, error) {
			_, err := g.Next(ctx)
			return 0, err
		})
		runV(t, func(ctx context.Context) (int, error) {
			if _, err := g.Next(ctx); !errors.Is(err, aio.ErrWrongLoop) {
				return 0, fmt.Errorf("Next from a second loop: %v", err)
			}
			return 0, nil
		})
		// The first loop's shutdown closed it.
		if !g.Done() || !slices.Equal(log, []string{"cleanup"}) {
			t.Fatalf("done %v, log %q", g.Done(), log)
		}
	})
	t.Run("a call after the loop closed fails", func(t *testing.T) {
		var saved context.Context
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error { return nil })
		runV(t, func(ctx context.Context) (int, error) { saved = ctx; return 0, nil })
		if _, err := g.Next(saved); !errors.Is(err, aio.ErrLoopClosed) {
			t.Fatalf("Next with a closed loop's context: %v", err)
		}
	})
}

// walkAsync is pyperformance's async_generators tree walk, each subtree
// inline (YieldFromAsync).
type walkNode struct {
	left, right *walkNode
	value       int
}

func buildWalkTree(lo, hi int) *walkNode {
	if lo >= hi {
		return nil
	}
	mid := lo + (hi-lo)/2
	return &walkNode{buildWalkTree(lo, mid), buildWalkTree(mid+1, hi), mid}
}

func walkAsync(n *walkNode) func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
	return func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
		if n.left != nil {
			if err := aio.YieldFromAsync(ctx, y, walkAsync(n.left)); err != nil {
				return err
			}
		}
		if err := aio.Sleep(ctx, 0); err != nil { // each level may await
			return err
		}
		if _, err := y.Yield(ctx, n.value); err != nil {
			return err
		}
		if n.right != nil {
			return aio.YieldFromAsync(ctx, y, walkAsync(n.right))
		}
		return nil
	}
}

func TestYieldFromAsyncWalksATreeInOrderAndClosesTheInnerBodies(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		root := buildWalkTree(0, 100)
		var got []int
		for v, err := range aio.NewAsyncGenerator(walkAsync(root)).All(ctx) {
			if err != nil {
				return 0, err
			}
			got = append(got, v)
		}
		for i, v := range got {
			if v != i {
				return 0, fmt.Errorf("value %d is %d", i, v)
			}
		}
		if len(got) != 100 {
			return 0, fmt.Errorf("%d values", len(got))
		}
		// A close in the middle reaches the innermost body at its yield,
		// and every inline level's cleanup runs.
		var cleanups int
		var deep func(d int) func(ctx context.Context, y *ay) error
		deep = func(d int) func(ctx context.Context, y *ay) error {
			return func(ctx context.Context, y *ay) error {
				defer func() { cleanups++ }()
				if d == 0 {
					_, err := y.Yield(ctx, 1)
					return err
				}
				return aio.YieldFromAsync(ctx, y, deep(d-1))
			}
		}
		g := aio.NewAsyncGenerator(deep(5))
		g.Next(ctx)
		if err := g.AClose(ctx); err != nil || cleanups != 6 {
			return 0, fmt.Errorf("AClose: %v, %d cleanups", err, cleanups)
		}
		return 0, nil
	})
}
