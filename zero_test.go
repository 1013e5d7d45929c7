package aio_test

// Zero values: every exported type either works as a zero value or returns
// a clear error (asyncio: "TaskGroup has not been entered"), and so do nil
// pointers of them where that is cheap. Here: Loop, Handle, PoolExecutor
// and ConcurrentFuture.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aio-go/aio"
)

// etNoCrash runs fn on a goroutine of its own and returns its error, or an
// error saying that it panicked or blocked: the failures a zero value must
// not have.
func etNoCrash(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panicked: %v", r)
			}
		}()
		done <- fn()
	}()
	err, rerr := etRecv(done, "the call's return")
	if rerr != nil {
		return fmt.Errorf("blocked: %w", rerr)
	}
	return err
}

// etWantIs reports an error unless errors.Is(err, target).
func etWantIs(what string, err, target error) error {
	if !errors.Is(err, target) {
		return fmt.Errorf("%s = %v, want an error for which errors.Is(err, %v) holds", what, err, target)
	}
	return nil
}

func TestZeroValuesWorkOrReturnAClearError(t *testing.T) {
	cases := []struct {
		name string
		run  func() error
	}{
		{"a zero Loop refuses CallSoonThreadsafe with ErrLoopClosed", func() error {
			return etWantIs("CallSoonThreadsafe", new(aio.Loop).CallSoonThreadsafe(func() {}), aio.ErrLoopClosed)
		}},
		{"a nil Loop refuses CallSoonThreadsafe with ErrLoopClosed", func() error {
			var l *aio.Loop
			return etWantIs("CallSoonThreadsafe", l.CallSoonThreadsafe(func() {}), aio.ErrLoopClosed)
		}},
		{"a zero Loop refuses RunCoroutineThreadsafe with ErrLoopClosed", func() error {
			f, err := aio.RunCoroutineThreadsafe(new(aio.Loop), func(context.Context) (int, error) { return 1, nil })
			if f != nil {
				return errors.New("RunCoroutineThreadsafe returned a future")
			}
			return etWantIs("RunCoroutineThreadsafe", err, aio.ErrLoopClosed)
		}},
		{"a nil Loop refuses RunCoroutineThreadsafe with ErrLoopClosed", func() error {
			f, err := aio.RunCoroutineThreadsafe(nil, func(context.Context) (int, error) { return 1, nil })
			if f != nil {
				return errors.New("RunCoroutineThreadsafe returned a future")
			}
			return etWantIs("RunCoroutineThreadsafe", err, aio.ErrLoopClosed)
		}},
		{"a zero Handle has nothing to cancel", func() error {
			var h aio.Handle
			if h.Cancel() || h.Cancelled() {
				return fmt.Errorf("Cancel, Cancelled = %v, %v; want false, false", h.Cancel(), h.Cancelled())
			}
			return nil
		}},
		{"a nil Handle has nothing to cancel", func() error {
			var h *aio.Handle
			if h.Cancel() || h.Cancelled() {
				return errors.New("Cancel or Cancelled of a nil Handle reported true")
			}
			return nil
		}},
		{"a zero PoolExecutor runs jobs, then shuts down", func() error {
			var e aio.PoolExecutor
			ran := make(chan struct{})
			if err := e.Submit(func() { close(ran) }); err != nil {
				return fmt.Errorf("Submit = %v", err)
			}
			if _, err := etRecv(ran, "the job"); err != nil {
				return err
			}
			if err := e.Shutdown(context.Background()); err != nil {
				return fmt.Errorf("Shutdown = %v", err)
			}
			return etWantIs("Submit after Shutdown", e.Submit(func() {}), aio.ErrExecutorShutdown)
		}},
		{"a zero PoolExecutor runs DefaultWorkers jobs at once, and no more", func() error {
			var (
				e             aio.PoolExecutor
				running, most atomic.Int32
				once          sync.Once
			)
			all, release := make(chan struct{}), make(chan struct{})
			for range aio.DefaultWorkers + 1 {
				err := e.Submit(func() {
					n := running.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					if n == aio.DefaultWorkers {
						once.Do(func() { close(all) })
					}
					<-release
					running.Add(-1)
				})
				if err != nil {
					return fmt.Errorf("Submit = %v", err)
				}
			}
			_, err := etRecv(all, fmt.Sprintf("%d jobs running at once", aio.DefaultWorkers))
			close(release)
			if serr := e.Shutdown(context.Background()); serr != nil {
				return fmt.Errorf("Shutdown = %v", serr)
			}
			if m := most.Load(); m != aio.DefaultWorkers {
				return fmt.Errorf("at most %d jobs ran at once, want %d", m, aio.DefaultWorkers)
			}
			return err
		}},
		{"a zero PoolExecutor that ran nothing shuts down at once", func() error {
			var e aio.PoolExecutor
			return e.Shutdown(context.Background())
		}},
		{"a nil PoolExecutor refuses jobs with ErrExecutorShutdown", func() error {
			var e *aio.PoolExecutor
			if err := etWantIs("Submit", e.Submit(func() {}), aio.ErrExecutorShutdown); err != nil {
				return err
			}
			return etWantIs("Shutdown", e.Shutdown(context.Background()), aio.ErrExecutorShutdown)
		}},
		{"RunInExecutor on a nil PoolExecutor returns its error", func() error {
			var e *aio.PoolExecutor
			var got error
			_, err := aio.Run(func(ctx context.Context) (int, error) {
				_, got = aio.RunInExecutor(ctx, e, func(context.Context) (int, error) { return 1, nil })
				return 0, nil
			}, aio.WithVirtualClock())
			if err != nil {
				return fmt.Errorf("Run = %v", err)
			}
			return etWantIs("RunInExecutor", got, aio.ErrExecutorShutdown)
		}},
	}
	futures := []struct {
		name string
		f    *aio.ConcurrentFuture[int]
	}{
		{"zero", new(aio.ConcurrentFuture[int])},
		{"nil", nil},
	}
	for _, fc := range futures {
		f := fc.f
		cases = append(cases, []struct {
			name string
			run  func() error
		}{
			{"a " + fc.name + " ConcurrentFuture's Wait returns ErrInvalidState at once", func() error {
				_, err := f.Wait(context.Background())
				return etWantIs("Wait", err, aio.ErrInvalidState)
			}},
			{"a " + fc.name + " ConcurrentFuture's Result is ErrInvalidState", func() error {
				_, err := f.Result()
				return etWantIs("Result", err, aio.ErrInvalidState)
			}},
			{"a " + fc.name + " ConcurrentFuture's Done is closed, so that a select on it does not hang", func() error {
				<-f.Done()
				return nil
			}},
			{"a " + fc.name + " ConcurrentFuture's Cancel does nothing", func() error {
				f.Cancel(errEtStop)
				_, err := f.Result()
				return etWantIs("Result after Cancel", err, aio.ErrInvalidState)
			}},
		}...)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := etNoCrash(c.run); err != nil {
				t.Error(err)
			}
		})
	}
}
