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

// The rule of lend.go: a generator body that a task resumes runs as part of
// that task.

type lendY = gen.Yielder[int, struct{}]

// sleepyCounter yields 0..n-1, sleeping d before each value with ctx, the
// context of the task that drives it.
func sleepyCounter(ctx context.Context, n int, d time.Duration) *gen.Generator[int, struct{}, struct{}] {
	return gen.New(func(y *lendY) (struct{}, error) {
		for i := range n {
			if err := aio.Sleep(ctx, d); err != nil {
				return struct{}{}, err
			}
			if _, err := y.Yield(i); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
}

func TestGeneratorBodyAwaitParksTheDrivingTaskAndLetsOthersRun(t *testing.T) {
	var events []string
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		start := aio.Now(ctx)
		other, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for i := range 3 {
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return 0, err
				}
				events = append(events, fmt.Sprintf("other %d at %v", i, aio.Now(ctx).Sub(start)))
			}
			return 0, nil
		})
		if err != nil {
			return struct{}{}, err
		}
		g := sleepyCounter(ctx, 3, 1500*time.Millisecond)
		for v := range g.All() {
			events = append(events, fmt.Sprintf("gen %d at %v", v, aio.Now(ctx).Sub(start)))
		}
		if _, err := g.Result(); err != nil {
			return struct{}{}, err
		}
		_, err = other.Await(ctx)
		return struct{}{}, err
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"other 0 at 1s", "gen 0 at 1.5s", "other 1 at 2s", "gen 1 at 3s", "other 2 at 3s", "gen 2 at 4.5s"} // at 3s, the earlier timer first
	if !slices.Equal(events, want) {
		t.Fatalf("events %q, want %q", events, want)
	}
}

func TestGeneratorBodySeesTheDrivingTaskAsCurrent(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		me := aio.CurrentTask(ctx)
		g := gen.New(func(y *gen.Yielder[aio.AnyTask, struct{}]) (struct{}, error) {
			y.Yield(aio.CurrentTask(ctx))
			aio.Sleep(ctx, 0)
			y.Yield(aio.CurrentTask(ctx))
			return struct{}{}, nil
		})
		defer g.Close()
		for range 2 {
			if got, err := g.Next(); err != nil || got != me {
				return struct{}{}, fmt.Errorf("CurrentTask in the body = %v, %v; want the driver", got, err)
			}
		}
		return struct{}{}, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}

func TestGeneratorBodyAwaitIsCancelledWithTheDrivingTask(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		var bodyErr error
		task, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			g := gen.New(func(y *lendY) (struct{}, error) {
				bodyErr = aio.Sleep(ctx, time.Hour)
				return struct{}{}, bodyErr
			})
			_, err := g.Next()
			return 0, err
		})
		aio.Sleep(ctx, time.Second)
		task.Cancel(errors.New("enough"))
		_, err := task.Await(ctx)
		if !errors.Is(err, aio.ErrCancelled) || !errors.Is(bodyErr, aio.ErrCancelled) {
			return struct{}{}, fmt.Errorf("task %v, body %v; want both cancelled", err, bodyErr)
		}
		return struct{}{}, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}

func TestGeneratorBodiesLendDownAChainOfResumes(t *testing.T) {
	// A body that resumes another body (Send, not delegation) and a
	// delegation (YieldFrom): each awaits in its turn.
	got, err := aio.Run(func(ctx context.Context) ([]int, error) {
		inner := sleepyCounter(ctx, 2, time.Second)
		outer := gen.New(func(y *lendY) (struct{}, error) {
			for v := range inner.All() {
				aio.Sleep(ctx, time.Second)
				y.Yield(v * 10)
			}
			_, err := gen.YieldFrom(y, sleepyCounter(ctx, 2, time.Second))
			return struct{}{}, err
		})
		var out []int
		for v := range outer.All() {
			out = append(out, v)
		}
		_, err := outer.Result()
		return out, err
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int{0, 10, 0, 1}) {
		t.Fatalf("values %v", got)
	}
}

func TestGeneratorBodyDrivenByAPlainGoroutineFailsWithWrongTask(t *testing.T) {
	res, _ := aio.Run(func(ctx context.Context) (error, error) {
		g := sleepyCounter(ctx, 1, 0)
		return aio.ToThread(ctx, func(context.Context) (error, error) {
			_, err := g.Next()
			return err, nil
		})
	}, aio.WithVirtualClock())
	if !errors.Is(res, aio.ErrWrongTask) {
		t.Fatalf("a body driven from a plain goroutine: %v, want ErrWrongTask", res)
	}
}

func TestGeneratorBodyCannotAwaitWithAnotherTasksContext(t *testing.T) {
	res, err := aio.Run(func(ctx context.Context) (error, error) {
		other, _ := aio.CreateTask(ctx, func(ctx context.Context) (context.Context, error) { return ctx, nil })
		otherCtx, _ := other.Await(ctx)
		g := sleepyCounter(otherCtx, 1, 0)
		_, err := g.Next()
		return err, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res, aio.ErrWrongTask) && !errors.Is(res, aio.ErrLoopClosed) {
		t.Fatalf("await with a finished task's context in a body: %v, want ErrWrongTask", res)
	}
}

func TestGeneratorBodyMayCallTheLoopsMethodsWithoutAContext(t *testing.T) {
	// Future.SetResult checks the goroutine (misuse.go): the body passes.
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		f := aio.NewFuture[int]()
		g := gen.New(func(y *lendY) (struct{}, error) {
			return struct{}{}, f.SetResult(7)
		})
		if _, err := g.Next(); !errors.Is(err, gen.ErrStopIteration) {
			return 0, err
		}
		return f.Await(ctx)
	}, aio.WithVirtualClock(), aio.WithDebug())
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunNestedInAnAwaitingGeneratorBodyIsRefused(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		var nested error
		g := gen.New(func(y *lendY) (struct{}, error) {
			aio.Sleep(ctx, time.Second) // resumed by the loop, on the body's goroutine
			var ran bool
			nested = nestedRun(&ran)
			return struct{}{}, nil
		})
		g.Next()
		if !errors.Is(nested, aio.ErrNested) {
			return struct{}{}, fmt.Errorf("Run in the body after an await: %v, want ErrNested", nested)
		}
		return struct{}{}, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}

func TestTaskStuckInAGeneratorBodyIsUnwoundAtShutdown(t *testing.T) {
	// On the virtual clock, a task that waits forever under a shield in a
	// body is killed: the body's deferred calls run, and so do the task's.
	var bodyDeferred, taskDeferred bool
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		defer func() { taskDeferred = true }()
		f := aio.NewFuture[int]()
		g := gen.New(func(y *lendY) (struct{}, error) {
			defer func() { bodyDeferred = true }()
			_, err := f.Await(aio.Shield(ctx))
			return struct{}{}, err
		})
		_, err := g.Next()
		return struct{}{}, err
	}, aio.WithVirtualClock())
	if !errors.Is(err, aio.ErrDeadlock) {
		t.Fatalf("Run: %v, want a deadlock", err)
	}
	if !bodyDeferred || !taskDeferred {
		t.Fatalf("deferred calls ran: body %v, task %v", bodyDeferred, taskDeferred)
	}
}

func TestGeneratorBodyAwaitsInDebugModeAndWithAShuffledSchedule(t *testing.T) {
	for _, opt := range []aio.Option{aio.WithDebug(), aio.WithSeed(3)} {
		n, err := aio.Run(func(ctx context.Context) (int, error) {
			sum := 0
			g := sleepyCounter(ctx, 5, time.Millisecond)
			for v := range g.All() {
				sum += v
			}
			_, err := g.Result()
			return sum, err
		}, aio.WithVirtualClock(), opt)
		if err != nil || n != 10 {
			t.Fatalf("sum %d, %v", n, err)
		}
	}
}
