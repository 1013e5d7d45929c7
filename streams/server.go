package streams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aio-go/aio"
)

// Handler serves one connection; the server closes the stream when it
// returns.
type Handler func(ctx context.Context, s *Stream) error

// Serve accepts connections on ln and runs handler for each, as a task of
// the server's own task group, until ctx is cancelled; see Server.Serve.
func Serve(ctx context.Context, ln net.Listener, handler Handler) error {
	return (&Server{Handler: handler}).Serve(ctx, ln)
}

// Server accepts connections on one or more listeners and runs each as a
// task of a task group of its own (asyncio's start_server, trio's
// serve_listeners): nothing it starts outlives Serve.
type Server struct {
	// Handler serves each connection. Its error, or its panic, does not
	// stop the server: it is given to ErrorHandler, or logged with slog. When it
	// returns, the stream is closed (what it wrote still goes out).
	Handler Handler
	// GracePeriod is how long Close lets running handlers finish before
	// it cancels them: 0 cancels them at once (asyncio's abort_clients),
	// a negative period waits for them without a bound (close_clients
	// without abort).
	GracePeriod time.Duration
	// ErrorHandler receives the error of a handler that failed (other
	// than by a cancellation), and nil means slog.Default().Error.
	ErrorHandler func(s *Stream, err error)

	loop      atomic.Pointer[aio.Loop] // of the running Serve
	accepters *aio.TaskGroup
	serving   bool
	closing   bool
	active    int
	idle      aio.ParkingLot
}

// Serve accepts connections on every listener until ctx is cancelled or
// Close is called, and closes the listeners when it returns. A Server
// that was closed stays closed: Serve then closes its listeners and
// returns nil at once.
//
// Misuse is an error returned before Serve takes the listeners, which stay
// open then: a nil Handler, no listener, a nil listener or one given
// twice, and a Server already serving (one Serve at a time).
//
// The shutdown, in order: Close stops accepting at once; the handlers that
// run go on for GracePeriod; then they are cancelled; Serve returns nil
// when the last has returned. A cancellation of ctx cancels everything at
// once and Serve returns it. An error of accept other than running out of
// descriptors or memory ends Serve with it; on EMFILE, ENFILE, ENOBUFS and
// ENOMEM the server waits (5 ms at first, doubling up to 1 s, as
// net/http) and accepts again, and the connections already open are served
// meanwhile.
//
// Cancellation: see above; every connection is closed when Serve returns.
func (srv *Server) Serve(ctx context.Context, lns ...net.Listener) error {
	if err := srv.checkServe(lns); err != nil {
		return err
	}
	if err := checkSupported(); err != nil {
		for _, ln := range lns {
			ln.Close()
		}
		return err
	}
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	l, err := aio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	srv.serving = true
	srv.loop.Store(l)
	defer func() {
		srv.serving = false
		srv.accepters = nil
		srv.loop.Store(nil)
	}()
	lfds := make([]*aio.FD, 0, len(lns))
	defer func() {
		for _, f := range lfds {
			f.Close()
		}
	}()
	for _, ln := range lns {
		f, err := registerListener(ctx, ln)
		if err != nil {
			return err
		}
		lfds = append(lfds, f)
	}
	return aio.WithTaskGroup(ctx, func(ctx context.Context, conns *aio.TaskGroup) error {
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, acc *aio.TaskGroup) error {
			srv.accepters = acc
			if srv.closing {
				acc.Cancel(nil)
			}
			for _, f := range lfds {
				acc.Go(func(ctx context.Context) error { return srv.acceptLoop(ctx, f, conns) })
			}
			return nil
		})
		// Stop accepting at once: a client that connects from now on is
		// refused rather than left in the backlog.
		for _, f := range lfds {
			f.Close()
		}
		for _, ln := range lns {
			ln.Close()
		}
		if err != nil || !srv.closing {
			return err
		}
		if srv.GracePeriod != 0 {
			grace := srv.GracePeriod
			if grace < 0 {
				grace = time.Duration(1<<63 - 1)
			}
			err = aio.MoveOnAfter(ctx, grace, func(ctx context.Context, _ *aio.Scope) error {
				for srv.active > 0 {
					if err := srv.idle.Park(ctx); err != nil {
						return err
					}
				}
				return nil
			})
		}
		conns.Cancel(nil)
		return err
	})
}

// checkServe refuses the misuse of Serve.
func (srv *Server) checkServe(lns []net.Listener) error {
	switch {
	case srv.Handler == nil:
		return errors.New("streams: Server.Serve with a nil Handler")
	case len(lns) == 0:
		return errors.New("streams: Server.Serve with no listener")
	case srv.serving:
		return errors.New("streams: Server.Serve called while the server is serving")
	}
	for i, ln := range lns {
		if ln == nil {
			return fmt.Errorf("streams: Server.Serve: listener %d is nil", i)
		}
		for _, other := range lns[:i] {
			if other == ln {
				return fmt.Errorf("streams: Server.Serve: listener %d (%v) is given twice", i, ln.Addr())
			}
		}
	}
	return nil
}

// ServerStats is what a Server holds.
type ServerStats struct {
	Active int // connections whose handler runs
}

// Stats returns what the server holds.
func (srv *Server) Stats() ServerStats { return ServerStats{Active: srv.active} }

// Close stops accepting: Serve then gives the running handlers their
// GracePeriod, cancels them, and returns. Calling it again does nothing;
// calling it before Serve makes Serve return at once. Call it from a task
// (or a callback) of the server's loop: from another goroutine it changes
// nothing and returns an error wrapping aio.ErrWrongTask (post it with
// Loop.CallSoonThreadsafe).
func (srv *Server) Close() error {
	if l := srv.loop.Load(); l != nil {
		if err := l.CheckThread("streams: Server.Close"); err != nil {
			return err
		}
	}
	if srv.closing {
		return nil
	}
	srv.closing = true
	if srv.accepters != nil {
		srv.accepters.Cancel(nil)
	}
	return nil
}

// registerListener registers the listener's socket with the loop; the
// listener keeps it.
func registerListener(ctx context.Context, ln net.Listener) (*aio.FD, error) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil, errors.New("streams: the listener has no file descriptor (want a *net.TCPListener or *net.UnixListener)")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	var fd uintptr
	if err := rc.Control(func(f uintptr) { fd = f }); err != nil {
		return nil, err
	}
	return aio.RegisterFD(ctx, fd)
}

// acceptConn is accept, replaced by the tests that run out of descriptors.
var acceptConn = accept

func (srv *Server) acceptLoop(ctx context.Context, lf *aio.FD, conns *aio.TaskGroup) error {
	backoff := time.Duration(0)
	for {
		nfd, err := acceptConn(int(lf.Fd()))
		switch err {
		case nil:
			backoff = 0
			srv.start(conns, nfd)
			continue
		case errAgain:
			if err := lf.WaitReadable(ctx); err != nil {
				return err
			}
			continue
		case errIntr, errConnAborted:
			continue
		case errMFile, errNFile, errNoBufs, errNoMem:
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			slog.Default().Warn("streams: accept failed; retrying", "err", err, "delay", backoff)
			if err := aio.Sleep(ctx, backoff); err != nil {
				return err
			}
			continue
		}
		return &net.OpError{Op: "accept", Net: "tcp", Err: err}
	}
}

func (srv *Server) start(conns *aio.TaskGroup, fd int) {
	srv.active++
	err := conns.Go(func(ctx context.Context) error {
		defer func() {
			srv.active--
			if srv.active == 0 {
				srv.idle.UnparkAll()
			}
		}()
		s, err := newStream(ctx, fd)
		if err != nil {
			srv.report(nil, err)
			return nil
		}
		if _, ok := s.local.(*net.TCPAddr); ok {
			setNoDelay(fd)
		}
		err = srv.call(ctx, s)
		var ce *aio.CancelledError
		switch {
		case errors.As(err, &ce) || ctx.Err() != nil:
			s.Abort()
		default:
			s.Close()
			if err != nil {
				srv.report(s, err)
			}
		}
		return nil
	})
	if err != nil {
		closeSocket(fd)
		srv.active--
	}
}

// call runs the handler; a panic in it is the connection's error, as
// net/http recovers a handler's panic, so that one bad connection does not
// end the server.
func (srv *Server) call(ctx context.Context, s *Stream) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("streams: connection handler panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return srv.Handler(ctx, s)
}

func (srv *Server) report(s *Stream, err error) {
	if srv.ErrorHandler != nil {
		srv.ErrorHandler(s, err)
		return
	}
	var addr net.Addr
	if s != nil {
		addr = s.peer
	}
	slog.Default().Error("streams: connection handler failed", "peer", addr, "err", err)
}
