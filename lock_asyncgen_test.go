package aio_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aio-go/aio"
)

// A Lock knows its holder by task. An async generator's body keeps one
// context for its whole life while the task that resumes it may change
// from one Next to the next, so the lock must ask for the running task at
// every call, never remember it by the context.

// drive runs one Next of g in a task of its own and returns what it
// yielded.
func drive(ctx context.Context, g *aio.AsyncGenerator[int, int]) (int, error) {
	t, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return g.Next(ctx) })
	if err != nil {
		return 0, err
	}
	return t.Await(ctx)
}

func TestALockInAnAsyncGeneratorBelongsToTheTaskThatResumesTheBodyNow(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var mu aio.Lock
		var owners []bool
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			for i := 0; ; i++ {
				if err := mu.Acquire(ctx); err != nil {
					return err
				}
				owners = append(owners, mu.Stats().Owner == aio.CurrentTask(ctx))
				if err := mu.Release(ctx); err != nil {
					return fmt.Errorf("release in round %d: %w", i, err)
				}
				if _, err := y.Yield(ctx, i); err != nil {
					return err
				}
			}
		})
		for i := range 3 {
			if v, err := drive(ctx, g); v != i || err != nil {
				return 0, fmt.Errorf("Next %d from a task of its own: %v, %v", i, v, err)
			}
		}
		if err := g.AClose(ctx); err != nil {
			return 0, err
		}
		for i, ok := range owners {
			if !ok {
				return 0, fmt.Errorf("round %d: the lock's owner is not the task that resumed the body", i)
			}
		}
		if len(owners) != 3 || mu.Locked() {
			return 0, fmt.Errorf("%d rounds, locked %v", len(owners), mu.Locked())
		}
		return 0, nil
	})
}

func TestALockTakenInAnAsyncGeneratorIsNotReleasedByTheNextTaskThatResumesIt(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var mu aio.Lock
		var releaseErr error
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			if _, err := y.Yield(ctx, 0); err != nil { // holding the lock
				return err
			}
			releaseErr = mu.Release(ctx)
			_, err := y.Yield(ctx, 1)
			return err
		})
		if _, err := drive(ctx, g); err != nil {
			return 0, err
		}
		holder := mu.Stats().Owner
		if _, err := drive(ctx, g); err != nil {
			return 0, err
		}
		if !errors.Is(releaseErr, aio.ErrNotHeld) {
			return 0, fmt.Errorf("a Release by a task that did not acquire: %v, want ErrNotHeld (trio's rule)", releaseErr)
		}
		if !mu.Locked() || mu.Stats().Owner != holder {
			return 0, errors.New("the refused Release changed the lock")
		}
		return 0, g.AClose(ctx)
	})
}

func TestRunningTaskIsCurrentTaskAndGetRunningLoopInOneLook(t *testing.T) {
	var kept context.Context
	runV(t, func(ctx context.Context) (int, error) {
		kept = ctx
		for _, c := range []context.Context{ctx, context.WithValue(ctx, struct{}{}, 1)} {
			task, l, err := aio.RunningTask(c)
			lp, lerr := aio.GetRunningLoop(c)
			if err != nil || lerr != nil || task != aio.CurrentTask(c) || task == nil || l != lp {
				return 0, fmt.Errorf("RunningTask = %v, %p, %v; CurrentTask %v, GetRunningLoop %p, %v",
					task, l, err, aio.CurrentTask(c), lp, lerr)
			}
		}
		// Two tasks in turn: each gets its own, whatever the other asked.
		other, err := aio.CreateTask(ctx, func(c context.Context) (aio.AnyTask, error) {
			task, _, err := aio.RunningTask(c)
			return task, err
		})
		if err != nil {
			return 0, err
		}
		got, err := other.Await(ctx)
		if err != nil || got != aio.AnyTask(other) {
			return 0, fmt.Errorf("the other task's RunningTask = %v, %v; want itself", got, err)
		}
		if task, _, _ := aio.RunningTask(ctx); task != aio.CurrentTask(ctx) {
			return 0, errors.New("after the other task, RunningTask is not the main task")
		}
		// From a goroutine that is not the loop's thread.
		done := make(chan error)
		go func() {
			task, l, err := aio.RunningTask(ctx)
			if !errors.Is(err, aio.ErrWrongTask) || task != nil || l != nil {
				done <- fmt.Errorf("from another goroutine: %v, %p, %v; want ErrWrongTask", task, l, err)
			}
			close(done)
		}()
		if err := <-done; err != nil {
			return 0, err
		}
		return 0, nil
	})
	if task, l, err := aio.RunningTask(kept); !errors.Is(err, aio.ErrLoopClosed) || task != nil || l != nil {
		t.Errorf("after Run: %v, %p, %v; want ErrLoopClosed", task, l, err)
	}
	if _, _, err := aio.RunningTask(context.Background()); !errors.Is(err, aio.ErrNoTask) {
		t.Errorf("outside any task: %v, want ErrNoTask", err)
	}
	if _, _, err := aio.RunningTask(nil); !errors.Is(err, aio.ErrNoTask) { //nolint:staticcheck // a nil ctx is the misuse tested
		t.Errorf("nil ctx: %v, want ErrNoTask", err)
	}
}
