//go:build unix

package streams_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// ReadInto's rules: what is buffered comes first, a large buffer is read
// into straight from the socket, the end of the stream is io.EOF, and a
// cancelled ReadInto consumes nothing.

func TestReadIntoReturnsWhatIsBufferedBeforeReadingTheSocket(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, sender("ab\ncdef"), func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			if line, err := s.ReadLine(ctx); string(line) != "ab\n" || err != nil {
				t.Fatalf("ReadLine = %q, %v", line, err)
			}
			// "cdef" is buffered: a small and a large buffer both get it
			// from there, in order.
			small := make([]byte, 2)
			if n, err := s.ReadInto(ctx, small); string(small[:n]) != "cd" || err != nil {
				t.Errorf("ReadInto(2 bytes) = %q, %v; want cd", small[:n], err)
			}
			large := make([]byte, 64<<10)
			if n, err := s.ReadInto(ctx, large); string(large[:n]) != "ef" || err != nil {
				t.Errorf("ReadInto(64 KiB) = %q, %v; want ef", large[:n], err)
			}
			return nil
		})
	})
}

func TestReadIntoAtTheEndReturnsEOF(t *testing.T) {
	for _, size := range []int{1, 64 << 10} {
		eachBackend(t, func(t *testing.T, ctx context.Context) error {
			return withServer(ctx, t, sender("xyz"), func(ctx context.Context, addr string) error {
				s := connect(ctx, t, addr)
				defer s.Close()
				var got []byte
				p := make([]byte, size)
				for {
					n, err := s.ReadInto(ctx, p)
					got = append(got, p[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil || n == 0 {
						t.Fatalf("ReadInto = %d, %v before the end", n, err)
					}
				}
				if string(got) != "xyz" {
					t.Errorf("read %q, want xyz", got)
				}
				if n, err := s.ReadInto(ctx, p); n != 0 || err != io.EOF {
					t.Errorf("ReadInto after the end = %d, %v; want 0, io.EOF", n, err)
				}
				if n, err := s.ReadInto(ctx, nil); n != 0 || err != nil {
					t.Errorf("ReadInto(nil) = %d, %v; want 0, nil", n, err)
				}
				return nil
			})
		})
	}
}

func TestCancelledReadIntoConsumesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		a, b, err := streams.SocketPair(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		defer b.Close()
		p := make([]byte, 64<<10)
		err = aio.MoveOnAfter(ctx, 0, func(ctx context.Context, _ *aio.Scope) error {
			_, err := a.ReadInto(ctx, p)
			return err
		})
		if err != nil {
			return err
		}
		b.Write([]byte("late"))
		if n, err := a.ReadInto(ctx, p); string(p[:n]) != "late" || err != nil {
			t.Errorf("ReadInto after a cancelled one = %q, %v", p[:n], err)
		}
		return nil
	})
}

func TestReadIntoALargeTransferDeliversEveryByteOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		a, b, err := streams.SocketPair(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		defer b.Close()
		want := make([]byte, 1<<20)
		for i := range want {
			want[i] = byte(i * 7)
		}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(context.Context) error {
				b.Write(want)
				return b.WriteEOF()
			})
			var got []byte
			p := make([]byte, 5000)
			for {
				n, err := a.ReadInto(ctx, p)
				got = append(got, p[:n]...)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return err
				}
			}
			if !bytes.Equal(got, want) {
				t.Errorf("read %d bytes, want the %d written", len(got), len(want))
			}
			return nil
		})
	})
}

func TestReadIntoAfterCloseFails(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		a, b, err := streams.SocketPair(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		a.Close()
		if _, err := a.ReadInto(ctx, make([]byte, 64<<10)); !errors.Is(err, streams.ErrClosed) {
			t.Errorf("ReadInto after Close = %v, want ErrClosed", err)
		}
		return nil
	})
}
