package aio_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

type nestY = gen.Yielder[error, struct{}]

// nestedRun calls Run and returns its error; *ran records whether its main
// function ran.
func nestedRun(ran *bool) error {
	_, err := aio.Run(func(context.Context) (int, error) { *ran = true; return 1, nil }, aio.WithVirtualClock())
	return err
}

// runInBody is a generator body that calls Run and yields its error.
func runInBody(ran *bool) func(y *nestY) (int, error) {
	return func(y *nestY) (int, error) {
		y.Yield(nestedRun(ran))
		return 0, nil
	}
}

// firstYield resumes g once, closes it, and returns what it yielded.
func firstYield(g *gen.Generator[error, struct{}, int]) error {
	defer g.Close()
	err, end := g.Next()
	if end != nil {
		return end
	}
	return err
}

func TestRunNestedInGeneratorBodyIsRefused(t *testing.T) {
	// A generator body runs on a goroutine of its own, which a look at the
	// caller's stack does not connect to the loop: every body a task or a
	// callback resumes, directly or down a chain, is the loop's thread.
	for _, c := range []struct {
		name string
		call func(ctx context.Context, ran *bool) (error, error)
	}{
		{"a body a task resumes", func(ctx context.Context, ran *bool) (error, error) {
			return firstYield(gen.New(runInBody(ran))), nil
		}},
		{"a body a callback resumes", func(ctx context.Context, ran *bool) (error, error) {
			f := aio.NewFuture[error]()
			if _, err := aio.CallSoon(ctx, func() { f.SetResult(firstYield(gen.New(runInBody(ran)))) }); err != nil {
				return nil, err
			}
			return f.Await(ctx)
		}},
		{"a body a task's done callback resumes", func(ctx context.Context, ran *bool) (error, error) {
			f := aio.NewFuture[error]()
			task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 0))
			if err != nil {
				return nil, err
			}
			task.AddDoneCallback(func(*aio.Task[int]) { f.SetResult(firstYield(gen.New(runInBody(ran)))) })
			return f.Await(ctx)
		}},
		{"a body resumed by a body a task resumes", func(ctx context.Context, ran *bool) (error, error) {
			outer := gen.New(func(y *nestY) (int, error) {
				y.Yield(firstYield(gen.New(runInBody(ran))))
				return 0, nil
			})
			return firstYield(outer), nil
		}},
		{"a delegate of YieldFrom, two levels down", func(ctx context.Context, ran *bool) (error, error) {
			middle := gen.New(func(y *nestY) (int, error) { return gen.YieldFrom(y, gen.New(runInBody(ran))) })
			outer := gen.New(func(y *nestY) (int, error) { return gen.YieldFrom(y, middle) })
			return firstYield(outer), nil
		}},
		{"a delegate of YieldFrom resumed after a first value", func(ctx context.Context, ran *bool) (error, error) {
			outer := gen.New(func(y *nestY) (int, error) {
				return gen.YieldFrom(y, gen.New(func(y *nestY) (int, error) {
					y.Yield(nil)
					y.Yield(nestedRun(ran))
					return 0, nil
				}))
			})
			outer.Next()
			return firstYield(outer), nil
		}},
		{"an inline delegate of YieldFromFunc", func(ctx context.Context, ran *bool) (error, error) {
			outer := gen.New(func(y *nestY) (int, error) { return gen.YieldFromFunc(y, runInBody(ran)) })
			return firstYield(outer), nil
		}},
		{"a body that cleans up on Close from a task", func(ctx context.Context, ran *bool) (error, error) {
			var got error
			g := gen.New(func(y *nestY) (int, error) {
				if _, err := y.Yield(nil); err != nil {
					got = nestedRun(ran)
				}
				return 0, nil
			})
			g.Next()
			g.Close() // the body's Run is the cleanup's
			return got, nil
		}},
		{"a body a task's task resumes", func(ctx context.Context, ran *bool) (error, error) {
			task, err := aio.CreateTask(ctx, func(context.Context) (error, error) {
				return firstYield(gen.New(runInBody(ran))), nil
			})
			if err != nil {
				return nil, err
			}
			return task.Await(ctx)
		}},
		{"a body started by a task and resumed by the next one", func(ctx context.Context, ran *bool) (error, error) {
			g := gen.New(func(y *nestY) (int, error) {
				y.Yield(nil)
				y.Yield(nestedRun(ran))
				return 0, nil
			})
			g.Next()
			task, err := aio.CreateTask(ctx, func(context.Context) (error, error) { return firstYield(g), nil })
			if err != nil {
				return nil, err
			}
			return task.Await(ctx)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ran bool
			ktRun(t, func(ctx context.Context) error {
				got, err := c.call(ctx, &ran)
				if err != nil {
					return err
				}
				if !errors.Is(got, aio.ErrNested) {
					t.Errorf("nested Run = %v, want ErrNested", got)
				}
				return aio.Sleep(ctx, time.Second)
			})
			if ran {
				t.Error("the nested Run ran its main function")
			}
		})
	}
}

func TestRunBesideTheLoopIsAllowed(t *testing.T) {
	// Only the loop's own thread is refused: a goroutine a task starts runs
	// a loop of its own, and so may a generator body that no loop resumes.
	for _, c := range []struct {
		name string
		run  func(t *testing.T, ran *bool) error
	}{
		{"from a goroutine a task starts", func(t *testing.T, ran *bool) error {
			var inner error
			err := ktRunErr(func(ctx context.Context) error {
				done := make(chan struct{})
				go func() { inner = nestedRun(ran); close(done) }()
				<-done // blocks the loop: the other loop must run all the same
				return nil
			}, aio.WithVirtualClock())
			return errors.Join(err, inner)
		}},
		{"from a body driven from plain code", func(t *testing.T, ran *bool) error {
			return firstYield(gen.New(runInBody(ran)))
		}},
		{"from a body driven by a goroutine a task starts", func(t *testing.T, ran *bool) error {
			var inner error
			err := ktRunErr(func(ctx context.Context) error {
				done := make(chan struct{})
				go func() { inner = firstYield(gen.New(runInBody(ran))); close(done) }()
				<-done
				return nil
			}, aio.WithVirtualClock())
			return errors.Join(err, inner)
		}},
		{"from a body a task resumed once, resumed from plain code after Run", func(t *testing.T, ran *bool) error {
			g := gen.New(func(y *nestY) (int, error) {
				y.Yield(nil)
				y.Yield(nestedRun(ran))
				return 0, nil
			})
			err := ktRunErr(func(ctx context.Context) error {
				g.Next()
				return nil
			}, aio.WithVirtualClock())
			return errors.Join(err, firstYield(g))
		}},
		{"from a body a task resumed once, resumed from a goroutine while the loop runs", func(t *testing.T, ran *bool) error {
			g := gen.New(func(y *nestY) (int, error) {
				y.Yield(nil)
				y.Yield(nestedRun(ran))
				return 0, nil
			})
			var inner error
			err := ktRunErr(func(ctx context.Context) error {
				g.Next()
				done := make(chan struct{})
				go func() { inner = firstYield(g); close(done) }()
				<-done
				return nil
			}, aio.WithVirtualClock())
			return errors.Join(err, inner)
		}},
		{"after the loop has closed, from a body a task resumed", func(t *testing.T, ran *bool) error {
			var g *gen.Generator[error, struct{}, int]
			err := ktRunErr(func(ctx context.Context) error {
				g = gen.New(func(y *nestY) (int, error) {
					y.Yield(nil)
					y.Yield(nestedRun(ran))
					return 0, nil
				})
				g.Next()
				return nil
			}, aio.WithVirtualClock())
			return errors.Join(err, firstYield(g))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ran bool
			if err := c.run(t, &ran); err != nil {
				t.Fatalf("Run = %v, want it to run", err)
			}
			if !ran {
				t.Error("the inner Run did not run its main function")
			}
		})
	}
}
