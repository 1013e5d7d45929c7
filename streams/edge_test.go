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
	"github.com/aio-go/aio/streamtest"
)

// The edges of the reader and the writer that a user of asyncio's streams
// (Lib/test/test_asyncio/test_streams.py) or of trio's high-level streams
// (trio's testing.check_two_way_stream) leans on: sizes of zero and less,
// separators split across reads, the fields of the errors, the end of the
// stream met again and again, and Close while a read or a Drain waits. Each
// runs on a socket pair, between tasks of one loop, on both reactor
// backends and both clocks.

// withPair runs fn with the two ends of a socket pair, closed after.
func withPair(ctx context.Context, fn func(a, b *streams.Stream) error) error {
	a, b, err := streams.SocketPair(ctx)
	if err != nil {
		return err
	}
	defer a.Abort()
	defer b.Abort()
	return fn(a, b)
}

// bounded runs fn under a one-second timeout: a call that should return
// at once, and would hang if it were wrong, fails the test instead. Once
// the deadline has passed it returns aio.ErrTimeout whatever fn returned.
func bounded(ctx context.Context, fn func(ctx context.Context) error) error {
	var scope *aio.Scope
	err := aio.Timeout(ctx, time.Second, func(ctx context.Context, sc *aio.Scope) error {
		scope = sc
		return fn(ctx)
	})
	if scope != nil && scope.Expired() {
		return aio.ErrTimeout
	}
	return err
}

// trickle writes data into s one byte at a time, a millisecond apart, so
// that every read gets one piece.
func trickle(ctx context.Context, s *streams.Stream, data string) error {
	for i := range len(data) {
		if _, err := s.Write([]byte{data[i]}); err != nil {
			return err
		}
		if err := aio.Sleep(ctx, time.Millisecond); err != nil {
			return err
		}
	}
	return s.WriteEOF()
}

func TestReadZeroReturnsAnEmptySliceAtOnceEvenAtTheEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			// Nothing is buffered and nothing comes: Read(0) must not wait.
			if p, err := a.Read(ctx, 0); p == nil || len(p) != 0 || err != nil {
				t.Errorf("Read(0) with nothing buffered = %q, %v; want an empty slice, nil", p, err)
			}
			b.Write([]byte("x"))
			b.WriteEOF()
			if p, err := a.Read(ctx, 0); len(p) != 0 || err != nil {
				t.Errorf("Read(0) with data buffered = %q, %v", p, err)
			}
			if p, err := a.Read(ctx, 10); string(p) != "x" || err != nil {
				t.Errorf("Read(10) after Read(0) = %q, %v: Read(0) consumed something", p, err)
			}
			if _, err := a.Read(ctx, 10); err != io.EOF {
				return err
			}
			if p, err := a.Read(ctx, 0); p == nil || len(p) != 0 || err != nil {
				t.Errorf("Read(0) at the end = %q, %v; want an empty slice, nil (asyncio's b\"\")", p, err)
			}
			return nil
		})
	})
}

func TestReadNegativeAtTheEndReturnsAnEmptySliceEveryTime(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			b.Write([]byte("all"))
			b.WriteEOF()
			if p, err := a.Read(ctx, -1); string(p) != "all" || err != nil {
				t.Errorf("Read(-1) = %q, %v", p, err)
			}
			for range 3 {
				err := bounded(ctx, func(ctx context.Context) error {
					p, err := a.Read(ctx, -1)
					if p == nil || len(p) != 0 || err != nil {
						t.Errorf("Read(-1) at the end = %q, %v; want an empty slice, nil", p, err)
					}
					return err
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func TestReadUntilWithAnEmptySeparatorIsAnError(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			b.Write([]byte("data\n"))
			for _, sep := range [][]byte{nil, {}} {
				if p, err := a.ReadUntil(ctx, sep); !errors.Is(err, streams.ErrEmptySeparator) || p != nil {
					t.Errorf("ReadUntil(%q) = %q, %v; want ErrEmptySeparator", sep, p, err)
				}
			}
			if line, err := a.ReadLine(ctx); string(line) != "data\n" || err != nil {
				t.Errorf("ReadLine after the refused ReadUntil = %q, %v: it consumed something", line, err)
			}
			return nil
		})
	})
}

func TestReadExactlyOfZeroReturnsAtOnceAndOfLessIsAnError(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			// Nothing comes: ReadExactly(0) must not wait.
			if p, err := a.ReadExactly(ctx, 0); p == nil || len(p) != 0 || err != nil {
				t.Errorf("ReadExactly(0) = %q, %v; want an empty slice, nil", p, err)
			}
			b.Write([]byte("abc"))
			for _, n := range []int{-1, -100} {
				if p, err := a.ReadExactly(ctx, n); err == nil || p != nil {
					t.Errorf("ReadExactly(%d) = %q, %v; want an error", n, p, err)
				}
			}
			if p, err := a.ReadExactly(ctx, 3); string(p) != "abc" || err != nil {
				t.Errorf("ReadExactly(3) after the refused ones = %q, %v", p, err)
			}
			b.WriteEOF()
			if p, err := a.ReadExactly(ctx, 0); len(p) != 0 || err != nil {
				t.Errorf("ReadExactly(0) at the end = %q, %v; want an empty slice, nil (asyncio's b\"\")", p, err)
			}
			return nil
		})
	})
}

func TestSetLimitOfZeroOrLessIsAnErrorAndKeepsTheLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			if err := a.SetLimit(4); err != nil {
				return err
			}
			for _, n := range []int{0, -1} {
				if err := a.SetLimit(n); err == nil {
					t.Errorf("SetLimit(%d) succeeded; want an error (asyncio's ValueError)", n)
				}
			}
			// The limit is still 4: a separator at 5 is past it.
			b.Write([]byte("01234\n"))
			var over *streams.LimitOverrunError
			if _, err := a.ReadUntil(ctx, []byte("\n")); !errors.As(err, &over) {
				t.Errorf("ReadUntil past the kept limit = %v, want *LimitOverrunError", err)
			}
			return nil
		})
	})
}

func TestReadUntilFindsASeparatorSplitAcrossManySmallPieces(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					return trickle(ctx, b, "abc\r\nxyz--END--tail\nlast")
				})
				// A limit that the chunks fit exactly: the limit bounds
				// where the separator starts, not where it ends.
				if err := a.SetLimit(3); err != nil {
					return err
				}
				if p, err := a.ReadUntil(ctx, []byte("\r\n")); string(p) != "abc\r\n" || err != nil {
					t.Errorf("ReadUntil(\\r\\n) = %q, %v", p, err)
				}
				if p, err := a.ReadUntil(ctx, []byte("--END--")); string(p) != "xyz--END--" || err != nil {
					t.Errorf("ReadUntil(--END--) = %q, %v", p, err)
				}
				a.SetLimit(streams.DefaultLimit)
				if p, err := a.ReadLine(ctx); string(p) != "tail\n" || err != nil {
					t.Errorf("ReadLine = %q, %v", p, err)
				}
				if p, err := a.ReadLine(ctx); string(p) != "last" || err != nil {
					t.Errorf("ReadLine of the partial last line = %q, %v", p, err)
				}
				return nil
			})
		})
	})
}

func TestLimitOverrunAndIncompleteReadErrorsCarryAsynciosFieldsAndMessages(t *testing.T) {
	const (
		found    = "Separator is found, but chunk is longer than limit"
		notFound = "Separator is not found, and chunk exceed the limit"
	)
	cases := []struct {
		name, data, sep string
		limit           int
		message         string
		consumed        int
	}{
		{"a separator past the limit", "0123456789!tail", "!", 5, found, 10},
		{"a separator just past the limit", "012345!", "!", 5, found, 6},
		{"no separator within the limit", "0123456789", "!!", 5, notFound, 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, ctx context.Context) error {
				return withPair(ctx, func(a, b *streams.Stream) error {
					a.SetLimit(c.limit)
					b.Write([]byte(c.data))
					_, err := a.ReadUntil(ctx, []byte(c.sep))
					var over *streams.LimitOverrunError
					if !errors.As(err, &over) {
						t.Fatalf("ReadUntil = %v, want *LimitOverrunError", err)
					}
					if over.Message != c.message || over.Consumed != c.consumed || err.Error() != c.message {
						t.Errorf("LimitOverrunError{%q, %d}, want {%q, %d}", over.Message, over.Consumed, c.message, c.consumed)
					}
					if errors.Is(err, io.ErrUnexpectedEOF) {
						t.Error("a LimitOverrunError is io.ErrUnexpectedEOF")
					}
					if p, err := a.ReadExactly(ctx, len(c.data)); string(p) != c.data || err != nil {
						t.Errorf("after the overrun, ReadExactly = %q, %v: the data must stay buffered", p, err)
					}
					return nil
				})
			})
		})
	}
	t.Run("a chunk of exactly the limit and its separator", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, ctx context.Context) error {
			return withPair(ctx, func(a, b *streams.Stream) error {
				a.SetLimit(5)
				b.Write([]byte("01234!"))
				if p, err := a.ReadUntil(ctx, []byte("!")); string(p) != "01234!" || err != nil {
					t.Errorf("ReadUntil = %q, %v; want the whole chunk", p, err)
				}
				return nil
			})
		})
	})
	t.Run("the end before the size or the separator", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, ctx context.Context) error {
			return withPair(ctx, func(a, b *streams.Stream) error {
				b.Write([]byte("abcdef"))
				b.WriteEOF()
				if _, err := a.ReadExactly(ctx, 3); err != nil {
					return err
				}
				_, err := a.ReadExactly(ctx, 10)
				var inc *streams.IncompleteReadError
				if !errors.As(err, &inc) || string(inc.Partial) != "def" || inc.Expected != 10 {
					t.Fatalf("ReadExactly(10) of 3 left = %#v, want Partial def, Expected 10", err)
				}
				if got, want := err.Error(), "3 bytes read on a total of 10 expected bytes"; got != want {
					t.Errorf("message %q, want %q", got, want)
				}
				_, err = a.ReadUntil(ctx, []byte("!"))
				if !errors.As(err, &inc) || len(inc.Partial) != 0 || inc.Expected != -1 || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("ReadUntil at the end = %#v, want an empty Partial, Expected -1", err)
				}
				if got, want := err.Error(), "0 bytes read on a total of undefined expected bytes"; got != want {
					t.Errorf("message %q, want %q", got, want)
				}
				return nil
			})
		})
	})
}

func TestAtEOFIsFalseUntilAReadMeetsTheEndAndEverythingIsRead(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			if a.AtEOF() {
				t.Error("AtEOF before anything happened")
			}
			b.Write([]byte("xy"))
			b.WriteEOF()
			if a.AtEOF() {
				t.Error("AtEOF before a read met the end")
			}
			if p, _ := a.Read(ctx, 1); string(p) != "x" || a.AtEOF() {
				t.Errorf("after Read(1) = %q, AtEOF = %v; want x, false", p, a.AtEOF())
			}
			if p, _ := a.Read(ctx, 1); string(p) != "y" || a.AtEOF() {
				t.Errorf("after Read(1) = %q, AtEOF = %v; want y, false (the end is not met yet)", p, a.AtEOF())
			}
			if _, err := a.Read(ctx, 1); err != io.EOF || !a.AtEOF() {
				t.Errorf("at the end Read = %v, AtEOF = %v; want io.EOF, true", err, a.AtEOF())
			}
			return nil
		})
	})
}

func TestEveryReadAfterThePeersEOFReturnsTheEndAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			b.Write([]byte("last\n"))
			b.Close()
			if line, err := a.ReadLine(ctx); string(line) != "last\n" || err != nil {
				return err
			}
			c := a.Conn(ctx)
			small, large := make([]byte, 8), make([]byte, 64<<10)
			for i := range 3 {
				err := bounded(ctx, func(ctx context.Context) error {
					var inc *streams.IncompleteReadError
					if _, err := a.Read(ctx, 10); err != io.EOF {
						t.Errorf("round %d: Read = %v, want io.EOF", i, err)
					}
					for _, p := range [][]byte{small, large} {
						if n, err := a.ReadInto(ctx, p); n != 0 || err != io.EOF {
							t.Errorf("round %d: ReadInto(%d bytes) = %d, %v; want 0, io.EOF", i, len(p), n, err)
						}
					}
					if line, err := a.ReadLine(ctx); len(line) != 0 || err != io.EOF {
						t.Errorf("round %d: ReadLine = %q, %v; want io.EOF", i, line, err)
					}
					if _, err := a.ReadUntil(ctx, []byte("!")); !errors.As(err, &inc) || len(inc.Partial) != 0 {
						t.Errorf("round %d: ReadUntil = %v; want an empty IncompleteReadError", i, err)
					}
					if _, err := a.ReadExactly(ctx, 3); !errors.As(err, &inc) || len(inc.Partial) != 0 || inc.Expected != 3 {
						t.Errorf("round %d: ReadExactly(3) = %v; want an empty IncompleteReadError", i, err)
					}
					if n, err := c.Read(small); n != 0 || err != io.EOF {
						t.Errorf("round %d: Conn.Read = %d, %v; want 0, io.EOF", i, n, err)
					}
					if !a.AtEOF() {
						t.Errorf("round %d: AtEOF is false", i)
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func TestReadsAfterCloseFailWithErrClosedEvenAtTheEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			b.WriteEOF()
			if _, err := a.Read(ctx, 1); err != io.EOF {
				return err
			}
			a.Close()
			reads := map[string]func() error{
				"Read(1)":        func() error { _, err := a.Read(ctx, 1); return err },
				"Read(0)":        func() error { _, err := a.Read(ctx, 0); return err },
				"Read(-1)":       func() error { _, err := a.Read(ctx, -1); return err },
				"ReadInto":       func() error { _, err := a.ReadInto(ctx, make([]byte, 8)); return err },
				"ReadExactly(1)": func() error { _, err := a.ReadExactly(ctx, 1); return err },
				"ReadExactly(0)": func() error { _, err := a.ReadExactly(ctx, 0); return err },
				"ReadUntil":      func() error { _, err := a.ReadUntil(ctx, []byte("!")); return err },
				"ReadLine":       func() error { _, err := a.ReadLine(ctx); return err },
				"Conn.Read":      func() error { _, err := a.Conn(ctx).Read(make([]byte, 8)); return err },
			}
			for name, read := range reads {
				if err := read(); !errors.Is(err, streams.ErrClosed) {
					t.Errorf("%s after Close = %v, want ErrClosed", name, err)
				}
			}
			return nil
		})
	})
}

func TestWriteAfterWriteEOFIsErrWriteAfterEOFAndThePeerStillReadsTheEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			m1, m2 := streamtest.Pair()
			for _, p := range [][2]streamtest.Stream{{b, a}, {m1, m2}} {
				w, r := p[0], p[1]
				w.Write([]byte("x"))
				if err := w.WriteEOF(); err != nil {
					return err
				}
				if err := w.WriteEOF(); err != nil {
					t.Errorf("%T: a second WriteEOF = %v, want nil", w, err)
				}
				if n, err := w.Write([]byte("late")); n != 0 || !errors.Is(err, streams.ErrWriteAfterEOF) {
					t.Errorf("%T: Write after WriteEOF = %d, %v; want ErrWriteAfterEOF", w, n, err)
				}
				if got, err := r.Read(ctx, 10); string(got) != "x" || err != nil {
					t.Errorf("%T: the peer read %q, %v; want x", r, got, err)
				}
				for range 2 {
					if _, err := r.Read(ctx, 10); err != io.EOF {
						t.Errorf("%T: the peer's read after the data = %v, want io.EOF", r, err)
					}
				}
			}
			m1.Close()
			m2.Close()
			return nil
		})
	})
}

func TestWriteAndWriteEOFAfterCloseOrAbortAreErrClosed(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			a.Close()
			b.Abort()
			for name, s := range map[string]*streams.Stream{"Close": a, "Abort": b} {
				if n, err := s.Write([]byte("x")); n != 0 || !errors.Is(err, streams.ErrClosed) {
					t.Errorf("Write after %s = %d, %v; want ErrClosed", name, n, err)
				}
				if n, err := s.Write(nil); n != 0 || !errors.Is(err, streams.ErrClosed) {
					t.Errorf("an empty Write after %s = %d, %v; want ErrClosed", name, n, err)
				}
				if err := s.WriteEOF(); !errors.Is(err, streams.ErrClosed) {
					t.Errorf("WriteEOF after %s = %v, want ErrClosed", name, err)
				}
				if err := s.Drain(ctx); !errors.Is(err, streams.ErrClosed) {
					t.Errorf("Drain after %s = %v, want ErrClosed", name, err)
				}
				if err := s.Close(); err != nil {
					t.Errorf("Close after %s = %v, want nil", name, err)
				}
				s.Abort()
			}
			return nil
		})
	})
}

func TestSetWriteBufferLimitsRefusesNegativeMarksAndALowOverTheHigh(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			for _, m := range [][2]int{{-1, 0}, {0, -1}, {100, 200}, {-5, -10}} {
				if err := a.SetWriteBufferLimits(m[0], m[1]); err == nil {
					t.Errorf("SetWriteBufferLimits(%d, %d) succeeded; want an error (asyncio's ValueError)", m[0], m[1])
				}
			}
			for _, m := range [][2]int{{0, 0}, {0, 1000}, {100, 100}, {1, 0}, {100, 0}} {
				if err := a.SetWriteBufferLimits(m[0], m[1]); err != nil {
					t.Errorf("SetWriteBufferLimits(%d, %d) = %v", m[0], m[1], err)
				}
			}
			return nil
		})
	})
}

// fill writes more into s than a socket pair's buffers take while the
// peer does not read, so that s's Drain waits.
const fill = 4 << 20

func TestDrainParksWhileThePeerDoesNotReadAndReturnsWhenItReads(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			if err := a.Drain(ctx); err != nil {
				t.Errorf("Drain with nothing pending = %v", err)
			}
			want := bytes.Repeat([]byte("0123456789abcdef"), fill/16)
			a.Write(want)
			var scope *aio.Scope
			err := aio.MoveOnAfter(ctx, 20*time.Millisecond, func(ctx context.Context, sc *aio.Scope) error {
				scope = sc
				return a.Drain(ctx)
			})
			if err != nil || !scope.CancelledCaught() {
				t.Fatalf("Drain while the peer does not read = %v (parked until the deadline: %v); want it to park", err, scope.CancelledCaught())
			}
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					got, err := b.ReadExactly(ctx, len(want))
					if err != nil || !bytes.Equal(got, want) {
						t.Errorf("the peer read %d bytes, %v; want the %d written", len(got), err, len(want))
					}
					return nil
				})
				return bounded(ctx, a.Drain)
			})
		})
	})
}

func TestSetWriteBufferLimitsAppliesToADrainThatWaits(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			a.Write(make([]byte, fill))
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					if err := bounded(ctx, a.Drain); err != nil {
						t.Errorf("Drain when the low water mark rises over what is pending = %v, want nil", err)
					}
					return nil
				})
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				return a.SetWriteBufferLimits(2*fill, 2*fill)
			})
		})
	})
}

func TestCloseWhileADrainWaitsFailsTheDrainAndStillSendsWhatIsPending(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			want := bytes.Repeat([]byte("abcdefgh"), fill/8)
			a.Write(want)
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					if err := bounded(ctx, a.Drain); !errors.Is(err, streams.ErrClosed) {
						t.Errorf("a Drain waiting when the stream closes = %v, want ErrClosed", err)
					}
					return nil
				})
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				return a.Close()
			})
			if err != nil {
				return err
			}
			got, err := b.Read(ctx, -1)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("after Close the peer read %d bytes, %v; want the %d pending", len(got), err, len(want))
			}
			return bounded(ctx, a.WaitClosed)
		})
	})
}

func TestCloseWhileAReadWaitsAndDataIsPendingFailsTheReadAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			a.Write(make([]byte, fill)) // the socket closes only once b has read it
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					err := bounded(ctx, func(ctx context.Context) error {
						_, err := a.Read(ctx, 10)
						return err
					})
					if !errors.Is(err, streams.ErrClosed) {
						t.Errorf("a read waiting when the stream closes with data pending = %v, want ErrClosed", err)
					}
					return nil
				})
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				return a.Close()
			})
			if err != nil {
				return err
			}
			if got, err := b.Read(ctx, -1); len(got) != fill || err != nil {
				t.Errorf("after Close the peer read %d bytes, %v; want the %d pending", len(got), err, fill)
			}
			return bounded(ctx, a.WaitClosed)
		})
	})
}

func TestCloseTwiceIsFineAndWaitClosedReturnsToEveryWaiterEveryTime(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			a.Write(make([]byte, fill))
			returned := 0
			defer func() {
				if returned != 2 {
					t.Errorf("%d of the 2 tasks' WaitClosed returned twice", returned)
				}
			}()
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				for range 2 {
					tg.Go(func(ctx context.Context) error {
						for range 2 {
							if err := a.WaitClosed(ctx); err != nil {
								return err
							}
						}
						returned++
						return nil
					})
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if err := a.Close(); err != nil {
					return err
				}
				if err := a.Close(); err != nil {
					t.Errorf("a second Close = %v, want nil", err)
				}
				if returned != 0 {
					t.Error("WaitClosed returned before the pending data went out")
				}
				if _, err := b.Read(ctx, -1); err != nil {
					return err
				}
				return bounded(ctx, a.WaitClosed)
			})
		})
	})
}
