package aio_test

// Misuse across loops and goroutines: DESIGN.md's rule that a misuse from
// a foreign goroutine must not corrupt the loop, after trio's
// test_run.py (test_nice_error_on_bad_calls, test_system_task_crash) and
// CPython's test_futures.py (test_future_bound_to_loop: a future of one loop
// awaited by a task of another raises). Run under -race: a refused call
// reads nothing that another goroutine writes.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// wlOtherLoop runs body on a loop of its own on another goroutine, lets the
// test go on once body has set things up (body calls ready), and returns a
// function that lets the loop finish and returns its error.
func wlOtherLoop(t *testing.T, body func(ctx context.Context, ready func()) error, after func(ctx context.Context) error) (finish func() error) {
	t.Helper()
	readyc, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- ktRunErr(func(ctx context.Context) error {
			if err := body(ctx, func() { close(readyc) }); err != nil {
				return err
			}
			// Wait off the loop's thread for the test's checks.
			if _, err := aio.ToThread(ctx, func(context.Context) (int, error) { <-release; return 0, nil }); err != nil {
				return err
			}
			return after(ctx)
		}, aio.WithDebug(), aio.WithLogger(wlQuiet)) // a future's setters are checked in debug mode
	}()
	<-readyc
	return func() error { close(release); return <-done }
}

func TestFutureOfAnotherLoopIsRefused(t *testing.T) {
	f := aio.NewFuture[int]()
	var waiter *aio.Task[int]
	finish := wlOtherLoop(t, func(ctx context.Context, ready func()) error {
		var err error
		waiter, err = aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return f.Await(ctx) })
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil { // the waiter binds f to this loop
			return err
		}
		ready()
		return nil
	}, func(ctx context.Context) error {
		// The future's own loop was not disturbed by the refused calls.
		if waiter.Done() || f.Done() {
			t.Errorf("a refused call from another loop changed this one: waiter done=%v, future done=%v", waiter.Done(), f.Done())
		}
		if err := f.SetResult(5); err != nil {
			return err
		}
		if v, err := waiter.Await(ctx); v != 5 || err != nil {
			t.Errorf("the waiter got %v, %v; want 5", v, err)
		}
		return nil
	})
	ktRun(t, func(ctx context.Context) error {
		if _, err := f.Await(ctx); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Await of another loop's future = %v, want ErrWrongLoop", err)
		}
		if err := f.SetResult(1); !errors.Is(err, aio.ErrWrongTask) {
			t.Errorf("SetResult from another loop = %v, want ErrWrongTask", err)
		}
		if err := f.SetError(errors.New("x")); !errors.Is(err, aio.ErrWrongTask) {
			t.Errorf("SetError from another loop = %v, want ErrWrongTask", err)
		}
		wlPanics(t, "Future.Cancel", func() { f.Cancel(nil) })
		if _, err := waiter.Await(ctx); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Await of another loop's task = %v, want ErrWrongLoop", err)
		}
		wlPanics(t, "Task.Cancel", func() { waiter.Cancel(nil) })
		return nil
	})
	if err := finish(); err != nil {
		t.Errorf("the future's loop: %v", err)
	}
}

// wlPanics checks that call panics with a message naming what.
func wlPanics(t *testing.T, what string, call func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, what) || !strings.Contains(s, "not the loop's thread") {
			t.Errorf("%s from the wrong goroutine: panic %v, want one naming the call", what, r)
		}
	}()
	call()
}

// wlQuiet is the logger of the debug-mode loops whose misuse reports the
// tests do not read.
var wlQuiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestMethodsWithoutContextRefuseForeignGoroutines(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		f := aio.NewFuture[int]()
		waiter, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return f.Await(ctx) })
		if err != nil {
			return err
		}
		h, err := aio.CallLater(ctx, time.Hour, func() {})
		if err != nil {
			return err
		}
		defer h.Cancel()
		var lot aio.ParkingLot
		parker, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, lot.Park(ctx) })
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			return aio.MoveOnAfter(ctx, time.Hour, func(ctx context.Context, s *aio.Scope) error {
				// An executor job is a goroutine that is not the loop's
				// thread; the task waits for it without blocking the loop.
				_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
					if err := f.SetResult(1); !errors.Is(err, aio.ErrWrongTask) {
						t.Errorf("Future.SetResult from a foreign goroutine = %v", err)
					}
					wlPanics(t, "Future.Cancel", func() { f.Cancel(nil) })
					wlPanics(t, "Task.Cancel", func() { waiter.Cancel(nil) })
					wlPanics(t, "ParkingLot.Unpark", func() { lot.Unpark(1) })
					wlPanics(t, "TaskGroup.Cancel", func() { tg.Cancel(nil) })
					wlPanics(t, "Handle.Cancel", func() { h.Cancel() })
					if err := tg.Go(func(context.Context) error { return nil }); !errors.Is(err, aio.ErrWrongTask) {
						t.Errorf("TaskGroup.Go from a foreign goroutine = %v", err)
					}
					if err := s.Reschedule(time.Now()); !errors.Is(err, aio.ErrWrongTask) {
						t.Errorf("Scope.Reschedule from a foreign goroutine = %v", err)
					}
					if err := s.Cancel(nil); !errors.Is(err, aio.ErrWrongTask) {
						t.Errorf("Scope.Cancel from a foreign goroutine = %v", err)
					}
					return 0, nil
				})
				if err != nil {
					return err
				}
				// Nothing was changed: the loop goes on as if the calls
				// had not been made.
				if waiter.Done() || f.Done() || lot.Len() != 1 || s.CancelCalled() || ctx.Err() != nil || h.Cancelled() {
					t.Errorf("a refused call changed the loop: waiter done=%v future done=%v lot=%d scope cancelled=%v", waiter.Done(), f.Done(), lot.Len(), s.CancelCalled())
				}
				f.SetResult(2)
				lot.Unpark(1)
				if v, err := waiter.Await(ctx); v != 2 || err != nil {
					t.Errorf("waiter = %v, %v; want 2", v, err)
				}
				if _, err := parker.Await(ctx); err != nil {
					t.Errorf("parker = %v", err)
				}
				return nil
			})
		})
	}, aio.WithDebug(), aio.WithLogger(wlQuiet))
}

func TestWrongGoroutineCallsAreLoggedInDebugMode(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &buf}, nil))
	ktRun(t, func(ctx context.Context) error {
		f := aio.NewFuture[int]()
		if _, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) { return f.Await(ctx) }); err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if _, err := aio.ToThread(ctx, func(context.Context) (int, error) {
			return 0, wlForeignSet(f)
		}); !errors.Is(err, aio.ErrWrongTask) {
			t.Errorf("SetResult from the job = %v", err)
		}
		return f.SetResult(1)
	}, aio.WithDebug(), aio.WithLogger(log))
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "call=Future.SetResult") || !strings.Contains(out, "wlForeignSet") {
		t.Errorf("debug mode did not report the call and where it came from:\n%s", out)
	}
}

// wlForeignSet is the misusing call site that the debug report must name.
func wlForeignSet(f *aio.Future[int]) error { return f.SetResult(1) }

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
