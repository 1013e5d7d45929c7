//go:build unix

package streams_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

func listen(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("listen %s %s: %v", network, addr, err)
	}
	return ln
}

func TestServerAcceptsOnSeveralListenersTCPAndUnix(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		tcp := listen(t, "tcp", "127.0.0.1:0")
		path := filepath.Join(t.TempDir(), "s")
		unixLn := listen(t, "unix", path)
		srv := &streams.Server{Handler: echo}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return srv.Serve(ctx, tcp, unixLn) })
			for _, c := range [][2]string{{"tcp", tcp.Addr().String()}, {"unix", path}} {
				s, err := streams.Connect(ctx, c[0], c[1])
				if err != nil {
					return err
				}
				s.Write([]byte("ping\n"))
				line, err := s.ReadLine(ctx)
				if string(line) != "ping\n" || err != nil {
					t.Errorf("%s: echo = %q, %v", c[0], line, err)
				}
				s.Close()
			}
			srv.Close()
			return nil
		})
	})
}

func TestConnectOverIPv6(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp6", "[::1]:0")
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return streams.Serve(ctx, ln, echo) })
			s, err := streams.Connect(ctx, "tcp6", ln.Addr().String())
			if err != nil {
				return err
			}
			defer s.Close()
			s.Write([]byte("v6\n"))
			if line, err := s.ReadLine(ctx); string(line) != "v6\n" || err != nil {
				t.Errorf("echo over IPv6 = %q, %v", line, err)
			}
			tg.Cancel(nil)
			return nil
		})
	})
}

func TestConnectErrorsAreClear(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		dead := listen(t, "tcp", "127.0.0.1:0")
		addr := dead.Addr().String()
		dead.Close()
		if _, err := streams.Connect(ctx, "tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Connect to a closed port = %v, want ECONNREFUSED", err)
		}
		if _, err := streams.Connect(ctx, "udp", addr); err == nil {
			t.Error("Connect over udp succeeded")
		}
		if _, err := streams.Connect(ctx, "tcp", "no-port"); err == nil {
			t.Error("Connect without a port succeeded")
		}
		if _, err := streams.Connect(ctx, "unix", filepath.Join(t.TempDir(), "none")); !errors.Is(err, syscall.ENOENT) {
			t.Errorf("Connect to a missing Unix socket = %v, want ENOENT", err)
		}
		return nil
	})
}

func TestConnectTimeoutIsAScope(t *testing.T) {
	// 192.0.2.1 (TEST-NET-1) does not answer; on a machine without a
	// route the connect fails at once instead, which is fine too.
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		err := aio.Timeout(ctx, 50*time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
			s, err := streams.Connect(ctx, "tcp", "192.0.2.1:9")
			if err == nil {
				s.Close()
			}
			return err
		})
		if err == nil {
			t.Error("Connect to a black hole succeeded")
		}
		return nil
	})
}

func TestServerCloseLetsHandlersFinishWithinTheGracePeriod(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		finished := false
		srv := &streams.Server{GracePeriod: time.Second, Handler: func(ctx context.Context, s *streams.Stream) error {
			if err := aio.Sleep(ctx, 10*time.Millisecond); err != nil {
				return err
			}
			finished = true
			_, err := s.Write([]byte("done"))
			return err
		}}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return srv.Serve(ctx, ln) })
			s := connect(ctx, t, ln.Addr().String())
			defer s.Close()
			for srv.Stats().Active == 0 {
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
			srv.Close()
			got, err := s.Read(ctx, -1)
			if string(got) != "done" || err != nil || !finished {
				t.Errorf("after Close, the handler's reply = %q, %v (finished %v)", got, err, finished)
			}
			if _, err := streams.Connect(ctx, "tcp", ln.Addr().String()); err == nil {
				t.Error("Connect after Close succeeded: the listener is still open")
			}
			return nil
		})
	})
}

func TestServerCloseCancelsHandlersAfterTheGracePeriod(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		var handlerErr error
		srv := &streams.Server{GracePeriod: 20 * time.Millisecond, Handler: func(ctx context.Context, s *streams.Stream) error {
			_, handlerErr = s.Read(ctx, 1) // the client never writes
			return handlerErr
		}}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				if err := srv.Serve(ctx, ln); err != nil {
					t.Errorf("Serve after a graceful Close = %v, want nil", err)
				}
				return nil
			})
			s := connect(ctx, t, ln.Addr().String())
			defer s.Close()
			for srv.Stats().Active == 0 {
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
			srv.Close()
			if _, err := s.Read(ctx, -1); err != nil {
				t.Errorf("the client's read when its handler is cancelled = %v, want EOF", err)
			}
			if !errors.Is(handlerErr, aio.ErrCancelled) {
				t.Errorf("the handler's read = %v, want a cancellation", handlerErr)
			}
			return nil
		})
	})
}

func TestServeStopsOnCancellationAndClosesEveryConnection(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		var serveErr error
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			server, _ := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
				serveErr = streams.Serve(ctx, ln, echo)
				return struct{}{}, serveErr
			})
			s := connect(ctx, t, ln.Addr().String())
			defer s.Close()
			s.Write([]byte("x\n"))
			if _, err := s.ReadLine(ctx); err != nil {
				return err
			}
			server.Cancel(nil)
			if _, err := s.Read(ctx, -1); err != nil {
				t.Errorf("the client's read when the server is cancelled = %v, want EOF", err)
			}
			aio.Await(ctx, server)
			if !errors.Is(serveErr, aio.ErrCancelled) {
				t.Errorf("Serve = %v, want the cancellation", serveErr)
			}
			return nil
		})
	})
}

func TestAHandlersErrorOrPanicIsReportedAndTheServerGoesOn(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		ln := listen(t, "tcp", "127.0.0.1:0")
		var reported []error
		boom := errors.New("boom")
		srv := &streams.Server{
			Handler: func(ctx context.Context, s *streams.Stream) error {
				if len(reported) == 1 {
					panic(boom)
				}
				return boom
			},
			ErrorHandler: func(s *streams.Stream, err error) { reported = append(reported, err) },
		}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return srv.Serve(ctx, ln) })
			for range 2 {
				s := connect(ctx, t, ln.Addr().String())
				if _, err := s.Read(ctx, -1); err != nil {
					return err
				}
				s.Close()
			}
			if len(reported) != 2 || !errors.Is(reported[0], boom) || !strings.Contains(fmt.Sprint(reported[1]), "panicked: boom") {
				t.Errorf("reported %v, want boom and its panic", reported)
			}
			srv.Close()
			return nil
		})
	})
}

func TestAPeerThatResetsMidReadGivesTheReaderAnError(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		var readErr error
		done := aio.NewFuture[struct{}]()
		handler := func(ctx context.Context, s *streams.Stream) error {
			_, readErr = s.ReadExactly(ctx, 100)
			done.SetResult(struct{}{})
			return nil
		}
		return withServer(ctx, t, handler, func(ctx context.Context, addr string) error {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return err
			}
			c.Write([]byte("partial"))
			c.(*net.TCPConn).SetLinger(0)
			c.Close() // an RST
			if _, err := aio.Await(ctx, done); err != nil {
				return err
			}
			var inc *streams.IncompleteReadError
			if !errors.Is(readErr, syscall.ECONNRESET) && !errors.As(readErr, &inc) {
				t.Errorf("a read when the peer resets = %v, want ECONNRESET", readErr)
			}
			return nil
		})
	})
}

func TestASlowClientIsDroppedByAnIdleDeadlineScope(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		var got error
		done := aio.NewFuture[struct{}]()
		handler := func(ctx context.Context, s *streams.Stream) error {
			defer done.SetResult(struct{}{})
			for {
				err := aio.Timeout(ctx, 20*time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
					_, err := s.ReadLine(ctx)
					return err
				})
				if err != nil {
					got = err
					return nil
				}
			}
		}
		return withServer(ctx, t, handler, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			s.Write([]byte("o")) // one byte, then nothing
			if _, err := aio.Await(ctx, done); err != nil {
				return err
			}
			if !errors.Is(got, aio.ErrTimeout) {
				t.Errorf("the idle deadline gave %v, want ErrTimeout", got)
			}
			if _, err := s.Read(ctx, -1); err != nil {
				t.Errorf("the slow client's read = %v, want EOF", err)
			}
			return nil
		})
	})
}

func TestThousandsOfConnectionsAtOnce(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, echo, func(ctx context.Context, addr string) error {
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				for i := range n {
					tg.Go(func(ctx context.Context) error {
						s, err := streams.Connect(ctx, "tcp", addr)
						if err != nil {
							return err
						}
						defer s.Close()
						msg := fmt.Sprintf("client %d\n", i)
						s.Write([]byte(msg))
						line, err := s.ReadLine(ctx)
						if string(line) != msg {
							return fmt.Errorf("client %d got %q, %v", i, line, err)
						}
						return nil
					})
				}
				return nil
			})
		})
	})
}

// TestConnRunsBlockingStyleCode: bufio and encoding/json on a stream's
// net.Conn, inside tasks, on both ends.
func TestConnRunsBlockingStyleCode(t *testing.T) {
	type msg struct{ N int }
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		handler := func(ctx context.Context, s *streams.Stream) error {
			c := s.Conn(ctx)
			dec, enc := json.NewDecoder(bufio.NewReader(c)), json.NewEncoder(c)
			for {
				var m msg
				if err := dec.Decode(&m); err != nil {
					return nil
				}
				m.N *= 2
				if err := enc.Encode(m); err != nil {
					return err
				}
			}
		}
		return withServer(ctx, t, handler, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			c := s.Conn(ctx)
			enc, dec := json.NewEncoder(c), json.NewDecoder(c)
			for i := range 5 {
				if err := enc.Encode(msg{i}); err != nil {
					return err
				}
				var m msg
				if err := dec.Decode(&m); err != nil {
					return err
				}
				if m.N != 2*i {
					t.Errorf("got %d, want %d", m.N, 2*i)
				}
			}
			// A read deadline in the past fails at once, as net's.
			c.SetReadDeadline(aio.Now(ctx))
			var buf [1]byte
			_, err := c.Read(buf[:])
			var ne net.Error
			if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("Read past the deadline = %v, want os.ErrDeadlineExceeded", err)
			}
			c.SetReadDeadline(aio.Now(ctx).Add(5 * time.Millisecond))
			if _, err := c.Read(buf[:]); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("Read that reaches its deadline = %v, want os.ErrDeadlineExceeded", err)
			}
			c.SetReadDeadline(time.Time{})
			if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
				return err
			}
			if _, err := io.ReadAll(c); err != nil {
				t.Errorf("ReadAll after CloseWrite = %v", err)
			}
			return nil
		})
	})
}
