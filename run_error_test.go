package aio_test

// Run's error rule: Run returns main's error as it is when nothing else is
// to be reported (asyncio.run raises main's exception itself), joins the
// errors only when there are several, and reports a deadlock as one error
// whose message is one line and through which errors.Is sees both the
// deadlock and main's error.

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestRunReturnsMainErrorUnchanged(t *testing.T) {
	boom := errors.New("leftover failed")
	cases := []struct {
		name  string
		main  func(ctx context.Context) error
		check func(t *testing.T, err error)
	}{
		{"main's error alone is returned as it is", func(context.Context) error {
			return io.EOF
		}, func(t *testing.T, err error) {
			if err != io.EOF {
				t.Errorf("Run = %#v, want io.EOF itself", err)
			}
		}},
		{"a leftover's unretrieved error alone is its *TaskError, not a join", func(ctx context.Context) error {
			if err := aio.Go(ctx, func(context.Context) error { return boom }, aio.WithName("leftover")); err != nil {
				return err
			}
			return aio.Sleep(ctx, 0) // the leftover runs and fails
		}, func(t *testing.T, err error) {
			if te, ok := err.(*aio.TaskError); !ok || te.Task != "leftover" || te.Err != boom {
				t.Errorf("Run = %#v, want the leftover's *aio.TaskError itself", err)
			}
		}},
		{"a callback's panic alone is its *PanicError, not a join", func(ctx context.Context) error {
			if _, err := aio.CallSoon(ctx, func() { panic("callback exploded") }); err != nil {
				return err
			}
			return aio.Sleep(ctx, 0) // the callback runs and panics
		}, func(t *testing.T, err error) {
			if pe, ok := err.(*aio.PanicError); !ok || pe.Value != "callback exploded" {
				t.Errorf("Run = %#v, want the callback's *aio.PanicError itself", err)
			}
		}},
		{"main's error and a leftover's are joined, main's first", func(ctx context.Context) error {
			if err := aio.Go(ctx, func(context.Context) error { return boom }); err != nil {
				return err
			}
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			return io.EOF
		}, func(t *testing.T, err error) {
			j, ok := err.(interface{ Unwrap() []error })
			if !ok || len(j.Unwrap()) != 2 || j.Unwrap()[0] != io.EOF || !errors.Is(err, boom) {
				t.Errorf("Run = %#v, want main's io.EOF joined to the leftover's error", err)
			}
		}},
		{"no error at all is nil", func(context.Context) error {
			return nil
		}, func(t *testing.T, err error) {
			if err != nil {
				t.Errorf("Run = %#v, want nil", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.check(t, etRun(t, []aio.Option{aio.WithVirtualClock()}, c.main))
		})
	}
}

// etFutureNobodySets is an await that can never end but by cancellation.
func etFutureNobodySets(ctx context.Context) error {
	_, err := aio.NewFuture[int]().Await(ctx)
	return err
}

func TestRunReportsADeadlockAsOneError(t *testing.T) {
	errMain := errors.New("main gave up")
	cases := []struct {
		name string
		main func(ctx context.Context) error
		// mainErr is what errors.Is must find besides ErrDeadlock.
		mainErr error
		stuck   []string // the tasks unwound because they could never finish
	}{
		{"main deadlocks and returns its cancellation", func(ctx context.Context) error {
			return etFutureNobodySets(ctx)
		}, aio.ErrCancelled, nil},
		{"main deadlocks and returns an error of its own", func(ctx context.Context) error {
			if err := etFutureNobodySets(ctx); err != nil {
				return errMain
			}
			return nil
		}, errMain, nil},
		{"a leftover that can never finish deadlocks the shutdown of a main that failed", func(ctx context.Context) error {
			err := aio.Go(ctx, func(ctx context.Context) error {
				return etFutureNobodySets(aio.Shield(ctx))
			}, aio.WithName("stuck"))
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			return io.EOF
		}, io.EOF, []string{"stuck"}},
		{"main and a leftover deadlock together", func(ctx context.Context) error {
			err := aio.Go(ctx, func(ctx context.Context) error {
				return etFutureNobodySets(aio.Shield(ctx))
			}, aio.WithName("stuck"))
			if err != nil {
				return err
			}
			return etFutureNobodySets(ctx)
		}, aio.ErrCancelled, []string{"stuck"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := etRun(t, []aio.Option{aio.WithVirtualClock()}, c.main)
			if !errors.Is(err, aio.ErrDeadlock) || !errors.Is(err, c.mainErr) {
				t.Fatalf("Run = %v, want errors.Is to find both ErrDeadlock and %v", err, c.mainErr)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") {
				t.Errorf("Run's message has several lines, want one:\n%s", msg)
			}
			var de *aio.DeadlockError
			if !errors.As(err, &de) {
				t.Fatalf("Run = %#v, want a *aio.DeadlockError", err)
			}
			if err != error(de) {
				t.Errorf("Run = %#v, want the *aio.DeadlockError itself, not a join", err)
			}
			if !slices.Equal(de.Tasks, c.stuck) {
				t.Errorf("DeadlockError.Tasks = %q, want %q", de.Tasks, c.stuck)
			}
			if !strings.HasPrefix(err.Error(), aio.ErrDeadlock.Error()) {
				t.Errorf("Run's message %q does not start with ErrDeadlock's", err)
			}
		})
	}
}
