//go:build unix

package streams_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// The edges of a Server: Close before anything, twice, from the wrong
// goroutine; handlers that do not return; the misuse of Serve. The times
// are exact on the virtual clock, which is where the grace period's tests
// run.

var virtualBackends = backends[2:]

// eachVirtualBackend is eachBackend on the virtual clock alone.
func eachVirtualBackend(t *testing.T, fn func(t *testing.T, ctx context.Context) error) {
	for _, b := range virtualBackends {
		t.Run(b.name, func(t *testing.T) {
			if _, err := aio.Run(func(ctx context.Context) (struct{}, error) {
				return struct{}{}, fn(t, ctx)
			}, b.opts...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// serving starts srv.Serve(ln) as a task and returns it.
func serving(ctx context.Context, srv *streams.Server, lns ...net.Listener) (*aio.Task[struct{}], error) {
	return aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, srv.Serve(ctx, lns...)
	})
}

// waitActive yields until srv runs n handlers.
func waitActive(ctx context.Context, srv *streams.Server, n int) error {
	for srv.Stats().Active != n {
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
	}
	return nil
}

// isClosed reports whether the TCP listener ln was closed, without
// waiting: an open one times out at once.
func isClosed(ln net.Listener) bool {
	tl := ln.(*net.TCPListener)
	tl.SetDeadline(time.Now())
	c, err := tl.Accept()
	if c != nil {
		c.Close()
	}
	return errors.Is(err, net.ErrClosed)
}

func TestServerCloseBeforeServeMakesServeReturnAtOnceAndTwiceIsFine(t *testing.T) {
	eachVirtualBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		srv := &streams.Server{Handler: echo, GracePeriod: time.Hour}
		for range 2 {
			if err := srv.Close(); err != nil {
				t.Errorf("Close before Serve = %v", err)
			}
		}
		start := aio.Now(ctx)
		if err := srv.Serve(ctx, ln); err != nil {
			t.Errorf("Serve of a closed Server = %v, want nil", err)
		}
		if d := aio.Now(ctx).Sub(start); d != 0 || !isClosed(ln) {
			t.Errorf("Serve of a closed Server took %v and left its listener open: %v", d, !isClosed(ln))
		}
		return nil
	})
}

func TestServerCloseWithNoConnectionReturnsServeAtOnce(t *testing.T) {
	eachVirtualBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		srv := &streams.Server{Handler: echo, GracePeriod: time.Hour}
		task, err := serving(ctx, srv, ln)
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		start := aio.Now(ctx)
		srv.Close()
		srv.Close()
		if _, err := aio.Await(ctx, task); err != nil {
			t.Errorf("Serve after Close = %v, want nil", err)
		}
		if d := aio.Now(ctx).Sub(start); d != 0 {
			t.Errorf("with no handler to wait for, Serve returned %v after Close, want at once", d)
		}
		return nil
	})
}

func TestAHandlerThatNeverReturnsIsCancelledWhenTheGracePeriodEnds(t *testing.T) {
	eachVirtualBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		var handlerErr error
		srv := &streams.Server{GracePeriod: 5 * time.Second, Handler: func(ctx context.Context, s *streams.Stream) error {
			handlerErr = aio.Sleep(ctx, 24*time.Hour) // never returns on its own
			return handlerErr
		}}
		task, err := serving(ctx, srv, ln)
		if err != nil {
			return err
		}
		s := connect(ctx, t, ln.Addr().String())
		defer s.Close()
		if err := waitActive(ctx, srv, 1); err != nil {
			return err
		}
		start := aio.Now(ctx)
		srv.Close()
		if _, err := aio.Await(ctx, task); err != nil {
			t.Errorf("Serve after the grace period = %v, want nil", err)
		}
		if d := aio.Now(ctx).Sub(start); d != 5*time.Second {
			t.Errorf("Serve returned %v after Close, want the 5s grace period", d)
		}
		if !errors.Is(handlerErr, aio.ErrCancelled) {
			t.Errorf("the handler's wait ended with %v, want a cancellation", handlerErr)
		}
		if _, err := s.Read(ctx, -1); err != nil {
			t.Errorf("the client's read after its handler was cancelled = %v, want the end", err)
		}
		return nil
	})
}

func TestANegativeGracePeriodWaitsForTheHandlersWithoutABound(t *testing.T) {
	eachVirtualBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		srv := &streams.Server{GracePeriod: -1, Handler: func(ctx context.Context, s *streams.Stream) error {
			return aio.Sleep(ctx, 1000*time.Hour)
		}}
		task, err := serving(ctx, srv, ln)
		if err != nil {
			return err
		}
		s := connect(ctx, t, ln.Addr().String())
		defer s.Close()
		if err := waitActive(ctx, srv, 1); err != nil {
			return err
		}
		start := aio.Now(ctx)
		srv.Close()
		if _, err := aio.Await(ctx, task); err != nil {
			return err
		}
		if d := aio.Now(ctx).Sub(start); d != 1000*time.Hour {
			t.Errorf("Serve returned %v after Close, want when the handler did, 1000h", d)
		}
		return nil
	})
}

func TestServeMisuseIsAnErrorThatLeavesTheListenersOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		defer ln.Close()
		srv := &streams.Server{Handler: echo}
		cases := map[string]func() error{
			"a nil Handler":          func() error { return (&streams.Server{}).Serve(ctx, ln) },
			"no listener":            func() error { return srv.Serve(ctx) },
			"a nil listener":         func() error { return srv.Serve(ctx, ln, nil) },
			"a listener given twice": func() error { return srv.Serve(ctx, ln, ln) },
		}
		for name, serve := range cases {
			if err := serve(); err == nil {
				t.Errorf("Serve with %s succeeded", name)
			}
		}
		// Still open, and a server serves it.
		task, err := serving(ctx, srv, ln)
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil { // Serve starts
			return err
		}
		other := listen(t, "tcp", "127.0.0.1:0")
		defer other.Close()
		if err := srv.Serve(ctx, other); err == nil {
			t.Error("a second Serve of a serving Server succeeded")
		}
		s := connect(ctx, t, ln.Addr().String())
		defer s.Close()
		if err := roundTrip(ctx, s); err != nil {
			t.Errorf("after the refused calls, a round trip = %v", err)
		}
		srv.Close()
		_, err = aio.Await(ctx, task)
		return err
	})
}

func TestServerCloseFromAnotherGoroutineIsRefusedAndChangesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		srv := &streams.Server{Handler: echo}
		task, err := serving(ctx, srv, ln)
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		var closeErr error
		if p := onGoroutine(func() { closeErr = srv.Close() }); p != nil {
			t.Fatalf("Close from another goroutine panicked: %v", p)
		}
		if !errors.Is(closeErr, aio.ErrWrongTask) {
			t.Errorf("Close from another goroutine = %v, want aio.ErrWrongTask", closeErr)
		}
		s := connect(ctx, t, ln.Addr().String())
		defer s.Close()
		if err := roundTrip(ctx, s); err != nil {
			t.Errorf("after the refused Close, a round trip = %v", err)
		}
		srv.Close()
		_, err = aio.Await(ctx, task)
		return err
	})
}
