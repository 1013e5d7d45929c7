package aio_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

// runAside runs main with Run on a goroutine of its own and returns Run's
// error, or reports that Run never returned because its goroutine ended
// with runtime.Goexit.
func runAside(main func(ctx context.Context) error) (err error, goexited bool) {
	type end struct {
		err      error
		returned bool
	}
	ch := make(chan end)
	go func() {
		var e end
		defer func() { ch <- e }()
		e.err = ktRunErr(main, aio.WithVirtualClock())
		e.returned = true
	}()
	e := <-ch
	return e.err, !e.returned
}

func TestGoexitInTaskFinishesTheTask(t *testing.T) {
	goexitAfterASleep := func(cleaned *bool) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			defer func() { *cleaned = true }()
			aio.Sleep(ctx, time.Second)
			runtime.Goexit()
			return nil
		}
	}
	for _, c := range []struct {
		name string
		// main runs the case; Run must return want (nil: no error).
		main func(t *testing.T, ctx context.Context, cleaned *bool) error
		want func(error) bool
	}{
		{"a task awaited by main", func(t *testing.T, ctx context.Context, cleaned *bool) error {
			fn := goexitAfterASleep(cleaned)
			task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 1, fn(ctx) })
			if err != nil {
				return err
			}
			sibling, _ := aio.CreateTask(ctx, ktSleeper(2*time.Second, 2))
			if _, err := task.Await(ctx); !errors.Is(err, aio.ErrGoexit) {
				t.Errorf("Await = %v, want ErrGoexit", err)
			}
			if v, err := sibling.Await(ctx); v != 2 || err != nil {
				t.Errorf("a sibling task = %v, %v; the loop must go on", v, err)
			}
			return nil
		}, func(err error) bool { return err == nil }},
		{"a task of Go nobody waits for", func(t *testing.T, ctx context.Context, cleaned *bool) error {
			if err := aio.Go(ctx, goexitAfterASleep(cleaned)); err != nil {
				return err
			}
			return aio.Sleep(ctx, 2*time.Second)
		}, func(err error) bool {
			var te *aio.TaskError
			return errors.As(err, &te) && errors.Is(te.Err, aio.ErrGoexit)
		}},
		{"the main task", func(t *testing.T, ctx context.Context, cleaned *bool) error {
			return goexitAfterASleep(cleaned)(ctx)
		}, func(err error) bool { return errors.Is(err, aio.ErrGoexit) }},
		{"a task whose deferred call awaits while it exits", func(t *testing.T, ctx context.Context, cleaned *bool) error {
			task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				defer func() {
					if err := aio.Sleep(ctx, time.Second); err == nil {
						*cleaned = true
					}
				}()
				runtime.Goexit()
				return 0, nil
			})
			if err != nil {
				return err
			}
			t0 := aio.Now(ctx)
			if _, err := task.Await(ctx); !errors.Is(err, aio.ErrGoexit) {
				t.Errorf("Await = %v, want ErrGoexit", err)
			}
			if d := ktSince(ctx, t0); d != time.Second {
				t.Errorf("the task took %v, want the second its deferred call slept", d)
			}
			return nil
		}, func(err error) bool { return err == nil }},
		{"a task that resumes a generator whose body calls Goexit", func(t *testing.T, ctx context.Context, cleaned *bool) error {
			g := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
				defer func() { *cleaned = true }()
				runtime.Goexit()
				return 0, nil
			})
			task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				g.Next() // the Goexit passes on to the task, as a call's would
				return 1, nil
			})
			if err != nil {
				return err
			}
			if _, err := task.Await(ctx); !errors.Is(err, aio.ErrGoexit) {
				t.Errorf("Await = %v, want ErrGoexit", err)
			}
			if !g.Done() {
				t.Error("the generator is not done")
			}
			return nil
		}, func(err error) bool { return err == nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cleaned := false
			err, goexited := runAside(func(ctx context.Context) error { return c.main(t, ctx, &cleaned) })
			if goexited {
				t.Fatal("Run's goroutine ended with runtime.Goexit: the task's Goexit took the loop down")
			}
			if !c.want(err) {
				t.Errorf("Run = %v", err)
			}
			if !cleaned {
				t.Error("the exiting function's deferred call did not run, or did not finish")
			}
		})
	}
}

func TestGoexitWhileShutdownUnwindsATaskFinishesIt(t *testing.T) {
	// A task that can never finish is unwound at shutdown; a Goexit in its
	// deferred calls then must not end the loop's goroutine.
	cleaned := false
	err, goexited := runAside(func(ctx context.Context) error {
		aio.Go(ctx, func(ctx context.Context) error {
			defer func() { cleaned = true }()
			defer runtime.Goexit()
			_, err := aio.NewFuture[int]().Await(aio.Shield(ctx))
			return err
		})
		return aio.Sleep(ctx, time.Second)
	})
	if goexited {
		t.Fatal("Run's goroutine ended with runtime.Goexit")
	}
	var te *aio.TaskError
	if !errors.Is(err, aio.ErrDeadlock) || !errors.As(err, &te) || !errors.Is(te.Err, aio.ErrGoexit) {
		t.Errorf("Run = %v, want ErrDeadlock and the task's ErrGoexit", err)
	}
	if !cleaned {
		t.Error("the task's deferred calls did not run")
	}
}
