//go:build unix

package streams_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// Derived from CPython's Lib/test/test_asyncio/test_streams.py (the
// readline, readuntil and readexactly limits, drain after the connection
// is lost, wait_closed) and trio's test_highlevel_open_tcp_stream.py and
// test_highlevel_serve_listeners.py, against servers started on
// 127.0.0.1 port 0, on both reactor backends and both clocks.

func TestEchoServerAndClientExchangeLines(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, echo, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			for _, msg := range []string{"hello\n", "world\n", string(bytes.Repeat([]byte("x"), 60_000)) + "\n"} {
				s.Write([]byte(msg))
				if err := s.Drain(ctx); err != nil {
					return err
				}
				got, err := s.ReadExactly(ctx, len(msg))
				if err != nil {
					return err
				}
				if string(got) != msg {
					t.Errorf("echo of %d bytes came back as %d bytes", len(msg), len(got))
				}
			}
			return nil
		})
	})
}

// sender writes data, then what more says, and closes: the server side
// of the reader tests.
func sender(data string, more ...string) streams.Handler {
	return func(ctx context.Context, s *streams.Stream) error {
		s.Write([]byte(data))
		for _, m := range more {
			if err := s.Drain(ctx); err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
			s.Write([]byte(m))
		}
		return nil
	}
}

func TestReadUntilWithTheSeparatorPastTheLimitLeavesTheDataBuffered(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("0123456789!tail"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			s.SetLimit(5)
			_, err := s.ReadUntil(ctx, []byte("!"))
			var over *streams.LimitOverrunError
			if !errors.As(err, &over) {
				t.Fatalf("ReadUntil past the limit = %v, want *LimitOverrunError", err)
			}
			got, err := s.ReadExactly(ctx, 11)
			if string(got) != "0123456789!" || err != nil {
				t.Errorf("after the overrun, ReadExactly(11) = %q, %v: the data must stay buffered", got, err)
			}
			return nil
		})
	})
}

func TestReadUntilWithoutTheSeparatorWithinTheLimitLeavesTheDataBuffered(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("0123456789"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			s.SetLimit(5)
			_, err := s.ReadUntil(ctx, []byte("!"))
			var over *streams.LimitOverrunError
			if !errors.As(err, &over) || over.Message != "Separator is not found, and chunk exceed the limit" {
				t.Fatalf("ReadUntil without the separator = %v, want the not-found *LimitOverrunError", err)
			}
			got, err := s.Read(ctx, 100)
			if len(got) == 0 || !bytes.HasPrefix([]byte("0123456789"), got) || err != nil {
				t.Errorf("after the overrun, Read = %q, %v: the data must stay buffered", got, err)
			}
			return nil
		})
	})
}

func TestReadLineOverTheLimitIsDroppedUpToAndIncludingTheSeparator(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("toolongline\nok\n"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			s.SetLimit(7)
			if _, err := s.ReadExactly(ctx, 0); err != nil {
				return err
			}
			// Make sure everything is buffered, as CPython's test feeds it.
			if _, err := s.ReadUntil(ctx, []byte("ok\n")); err == nil {
				t.Fatal("ReadUntil over the limit succeeded")
			}
			_, err := s.ReadLine(ctx)
			var over *streams.LimitOverrunError
			if !errors.As(err, &over) {
				t.Fatalf("ReadLine of a long line = %v, want *LimitOverrunError", err)
			}
			line, err := s.ReadLine(ctx)
			if string(line) != "ok\n" || err != nil {
				t.Errorf("the line after the long one = %q, %v, want \"ok\\n\"", line, err)
			}
			return nil
		})
	})
}

func TestReadExactlyAtTheEndGivesIncompleteReadErrorWithPartialAndExpected(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		data := "0123456789abcdefgh" // 18 bytes
		return withServer(ctx, t, sender(data), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			_, err := s.ReadExactly(ctx, 36)
			var inc *streams.IncompleteReadError
			if !errors.As(err, &inc) {
				t.Fatalf("ReadExactly past the end = %v, want *IncompleteReadError", err)
			}
			if string(inc.Partial) != data || inc.Expected != 36 {
				t.Errorf("Partial = %q, Expected = %d", inc.Partial, inc.Expected)
			}
			if got, want := err.Error(), "18 bytes read on a total of 36 expected bytes"; got != want {
				t.Errorf("message %q, want %q", got, want)
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Error("IncompleteReadError is not io.ErrUnexpectedEOF")
			}
			if !s.AtEOF() {
				t.Error("AtEOF is false after the partial data was consumed")
			}
			return nil
		})
	})
}

func TestReadUntilAtTheEndGivesThePartialData(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("no separator"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			_, err := s.ReadUntil(ctx, []byte("\n"))
			var inc *streams.IncompleteReadError
			if !errors.As(err, &inc) || string(inc.Partial) != "no separator" || inc.Expected != -1 {
				t.Fatalf("ReadUntil at EOF = %v, want the partial data", err)
			}
			if got := err.Error(); got != "12 bytes read on a total of undefined expected bytes" {
				t.Errorf("message %q", got)
			}
			line, err := s.ReadLine(ctx)
			if len(line) != 0 || err != io.EOF {
				t.Errorf("ReadLine at the end = %q, %v, want io.EOF", line, err)
			}
			if _, err := s.ReadUntil(ctx, nil); !errors.Is(err, streams.ErrEmptySeparator) {
				t.Errorf("ReadUntil with an empty separator = %v", err)
			}
			return nil
		})
	})
}

func TestReadLineAtTheEndReturnsThePartialLine(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("a\nb"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			var got []string
			for {
				line, err := s.ReadLine(ctx)
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
				got = append(got, string(line))
			}
			if len(got) != 2 || got[0] != "a\n" || got[1] != "b" {
				t.Errorf("lines %q, want [a\\n b]", got)
			}
			return nil
		})
	})
}

func TestCancelledReadLeavesTheBufferConsistent(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("01234", "56789"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			// Wait for the first half, then cancel a read that wants both.
			if _, err := s.ReadExactly(ctx, 0); err != nil {
				return err
			}
			first, err := s.Read(ctx, 0)
			_ = first
			err = aio.MoveOnAfter(ctx, 0, func(ctx context.Context, _ *aio.Scope) error {
				_, err := s.ReadExactly(ctx, 10)
				return err
			})
			if err != nil {
				return err
			}
			got, err := s.ReadExactly(ctx, 10)
			if string(got) != "0123456789" || err != nil {
				t.Errorf("ReadExactly after a cancelled one = %q, %v", got, err)
			}
			return nil
		})
	})
}

func TestReadNegativeReadsUntilTheEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("abc", "def"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			got, err := s.Read(ctx, -1)
			if string(got) != "abcdef" || err != nil {
				t.Errorf("Read(-1) = %q, %v", got, err)
			}
			if _, err := s.Read(ctx, 10); err != io.EOF {
				t.Errorf("Read at the end = %v, want io.EOF", err)
			}
			if _, err := s.ReadExactly(ctx, -1); err == nil {
				t.Error("ReadExactly(-1) succeeded")
			}
			return nil
		})
	})
}

func TestWriteEOFHalfClosesAndTheOtherDirectionStillWorks(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		handler := func(ctx context.Context, s *streams.Stream) error {
			all, err := s.Read(ctx, -1)
			if err != nil {
				return err
			}
			s.Write(append([]byte("got "), all...))
			return nil
		}
		return withServer(ctx, t, handler, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			s.Write([]byte("request"))
			if err := s.WriteEOF(); err != nil {
				return err
			}
			if _, err := s.Write([]byte("more")); err == nil {
				t.Error("Write after WriteEOF succeeded")
			}
			got, err := s.Read(ctx, -1)
			if string(got) != "got request" || err != nil {
				t.Errorf("reply after WriteEOF = %q, %v", got, err)
			}
			return nil
		})
	})
}

func TestDrainFailsAfterTheConnectionIsLost(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		handler := func(ctx context.Context, s *streams.Stream) error {
			s.Abort() // the peer goes away without reading
			return nil
		}
		return withServer(ctx, t, handler, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			// The peer is gone once it says EOF.
			if _, err := s.Read(ctx, 1); err != io.EOF {
				t.Fatalf("Read from the aborted peer = %v, want io.EOF", err)
			}
			big := bytes.Repeat([]byte("x"), 1<<20)
			var err error
			for i := 0; i < 100 && err == nil; i++ {
				if _, err = s.Write(big); err == nil {
					err = s.Drain(ctx)
				}
			}
			if !errors.Is(err, streams.ErrConnectionLost) {
				t.Fatalf("writing to a closed peer ends with %v, want ErrConnectionLost", err)
			}
			if err := s.Drain(ctx); !errors.Is(err, streams.ErrConnectionLost) {
				t.Errorf("Drain after the loss = %v, want ErrConnectionLost", err)
			}
			return nil
		})
	})
}

func TestWaitClosedReturnsOnceTheSocketIsClosed(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, echo, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			s.Write(bytes.Repeat([]byte("y"), 4<<20)) // more than the socket takes
			if s.IsClosing() {
				t.Error("IsClosing before Close")
			}
			s.Close()
			if !s.IsClosing() {
				t.Error("IsClosing is false after Close")
			}
			if err := s.WaitClosed(ctx); err != nil {
				return err
			}
			if _, err := s.Read(ctx, 1); !errors.Is(err, streams.ErrClosed) {
				t.Errorf("Read after Close = %v, want ErrClosed", err)
			}
			if _, err := s.Write([]byte("z")); !errors.Is(err, streams.ErrClosed) {
				t.Errorf("Write after Close = %v, want ErrClosed", err)
			}
			return s.Close()
		})
	})
}

func TestClosingWhileAReadIsPendingFailsTheRead(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, echo, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					if _, err := s.Read(ctx, 10); !errors.Is(err, streams.ErrClosed) {
						t.Errorf("a pending Read when the stream closes = %v, want ErrClosed", err)
					}
					return nil
				})
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				return s.Close()
			})
		})
	})
}

func TestASecondConcurrentReaderIsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, echo, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error { s.Read(ctx, 1); return nil })
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if _, err := s.Read(ctx, 1); !errors.Is(err, aio.ErrBusyResource) {
					t.Errorf("a second reader = %v, want ErrBusyResource", err)
				}
				s.Close()
				return nil
			})
		})
	})
}
