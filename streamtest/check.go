package streamtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/aio-go/aio"
)

// MakePair makes the two connected ends of a stream under test, inside the
// loop of ctx.
type MakePair func(ctx context.Context) (a, b Stream, err error)

// CheckTwoWayStream runs the conformance check of a two-way stream, trio's
// check_two_way_stream, as subtests: each makes a fresh pair with
// makePair, inside a loop run with opts, and checks one rule:
//
//   - bytes arrive in order, once, however the reads split them;
//   - after WriteEOF, the other end reads io.EOF and can still write back;
//   - Close while a read of the same end is pending fails that read, and
//     the other end reads io.EOF;
//   - a large transfer (1 MiB) in both directions at once arrives whole;
//   - a reader and a writer of the same end work at the same time;
//   - Read(-1) waits for the end and returns everything, Read(0) returns
//     nothing at once, and reads at the end return the end every time;
//   - a Write after WriteEOF or after Close fails, and closing twice is
//     fine.
//
// The check closes both ends of every pair.
func CheckTwoWayStream(t *testing.T, opts []aio.Option, makePair MakePair) {
	rules := []struct {
		name string
		fn   func(ctx context.Context, a, b Stream) error
	}{
		{"bytes arrive in order once", checkOrder},
		{"WriteEOF half-closes", checkHalfClose},
		{"Close fails a pending read", checkCloseWhileReading},
		{"large transfers both ways at once", checkLarge},
		{"send and receive at the same time", checkConcurrent},
		{"Read(-1) reads to the end", checkReadToTheEnd},
		{"writes after the end fail", checkWritesAfterTheEnd},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
				a, b, err := makePair(ctx)
				if err != nil {
					return struct{}{}, err
				}
				defer a.Close()
				defer b.Close()
				return struct{}{}, r.fn(ctx, a, b)
			}, opts...)
			if err != nil {
				t.Error(err)
			}
		})
	}
}

// readAll reads from s until io.EOF.
func readAll(ctx context.Context, s Stream) ([]byte, error) {
	var out []byte
	for {
		p, err := s.Read(ctx, 4096)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, p...)
	}
}

func pattern(n int, seed byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7) + seed
	}
	return p
}

func checkOrder(ctx context.Context, a, b Stream) error {
	want := pattern(10_000, 1)
	for i := 0; i < len(want); i += 333 {
		if _, err := a.Write(want[i:min(i+333, len(want))]); err != nil {
			return err
		}
	}
	if err := a.WriteEOF(); err != nil {
		return err
	}
	got, err := readAll(ctx, b)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("received %d bytes, not the %d sent in order", len(got), len(want))
	}
	return nil
}

func checkHalfClose(ctx context.Context, a, b Stream) error {
	a.Write([]byte("request"))
	if err := a.WriteEOF(); err != nil {
		return err
	}
	got, err := readAll(ctx, b)
	if err != nil || string(got) != "request" {
		return fmt.Errorf("after WriteEOF the other end read %q, %v", got, err)
	}
	if _, err := b.Write([]byte("reply")); err != nil {
		return fmt.Errorf("writing back after the peer's WriteEOF: %w", err)
	}
	b.WriteEOF()
	got, err = readAll(ctx, a)
	if err != nil || string(got) != "reply" {
		return fmt.Errorf("the half-closed end read %q, %v", got, err)
	}
	return nil
}

func checkCloseWhileReading(ctx context.Context, a, b Stream) error {
	var readErr error
	err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
		tg.Go(func(ctx context.Context) error {
			_, readErr = a.Read(ctx, 10)
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
	if readErr == nil || readErr == io.EOF {
		return fmt.Errorf("a read pending when its end closed returned %v, want an error", readErr)
	}
	if _, err := b.Read(ctx, 10); err != io.EOF {
		return fmt.Errorf("the other end's read after Close = %v, want io.EOF", err)
	}
	return nil
}

func checkLarge(ctx context.Context, a, b Stream) error {
	const n = 1 << 20
	return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
		for i, pair := range [][2]Stream{{a, b}, {b, a}} {
			w, r := pair[0], pair[1]
			want := pattern(n, byte(i))
			tg.Go(func(ctx context.Context) error {
				for off := 0; off < n; off += 32 << 10 {
					if _, err := w.Write(want[off : off+32<<10]); err != nil {
						return err
					}
					if err := w.Drain(ctx); err != nil {
						return err
					}
				}
				return w.WriteEOF()
			})
			tg.Go(func(ctx context.Context) error {
				got, err := readAll(ctx, r)
				if err != nil {
					return err
				}
				if !bytes.Equal(got, want) {
					return fmt.Errorf("a large transfer arrived as %d bytes, want %d", len(got), n)
				}
				return nil
			})
		}
		return nil
	})
}

func checkConcurrent(ctx context.Context, a, b Stream) error {
	// b echoes; a writes and reads at once from two tasks.
	return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
		tg.Go(func(ctx context.Context) error {
			for {
				p, err := b.Read(ctx, 1000)
				if err == io.EOF {
					return b.WriteEOF()
				}
				if err != nil {
					return err
				}
				b.Write(p)
				if err := b.Drain(ctx); err != nil {
					return err
				}
			}
		})
		want := pattern(200_000, 3)
		tg.Go(func(ctx context.Context) error {
			for off := 0; off < len(want); off += 1000 {
				a.Write(want[off : off+1000])
				if err := a.Drain(ctx); err != nil {
					return err
				}
			}
			return a.WriteEOF()
		})
		got, err := readAll(ctx, a)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			return errors.New("the echo of concurrent writes came back changed")
		}
		return nil
	})
}

func checkReadToTheEnd(ctx context.Context, a, b Stream) error {
	want := pattern(20_000, 3)
	writer, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
		for i := 0; i < len(want); i += 1000 {
			if _, err := a.Write(want[i:min(i+1000, len(want))]); err != nil {
				return struct{}{}, err
			}
			if err := aio.Sleep(ctx, 0); err != nil { // the reader must wait for the rest
				return struct{}{}, err
			}
		}
		return struct{}{}, a.WriteEOF()
	})
	if err != nil {
		return err
	}
	if p, err := b.Read(ctx, 0); p == nil || len(p) != 0 || err != nil {
		return fmt.Errorf("Read(0) = %q, %v; want an empty slice and nil at once", p, err)
	}
	got, err := b.Read(ctx, -1)
	if err != nil || !bytes.Equal(got, want) {
		return fmt.Errorf("Read(-1) = %d bytes, %v; want the %d sent, whole", len(got), err, len(want))
	}
	if _, err := writer.Await(ctx); err != nil {
		return err
	}
	for i := range 2 {
		if p, err := b.Read(ctx, -1); p == nil || len(p) != 0 || err != nil {
			return fmt.Errorf("Read(-1) %d at the end = %q, %v; want an empty slice and nil", i+1, p, err)
		}
		if p, err := b.Read(ctx, 10); err != io.EOF {
			return fmt.Errorf("Read(10) %d at the end = %q, %v; want io.EOF", i+1, p, err)
		}
	}
	return nil
}

func checkWritesAfterTheEnd(ctx context.Context, a, b Stream) error {
	if err := a.WriteEOF(); err != nil {
		return err
	}
	if n, err := a.Write([]byte("late")); err == nil {
		return fmt.Errorf("Write after WriteEOF = %d, nil; want an error", n)
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("Close: %w", err)
	}
	if n, err := a.Write([]byte("later")); err == nil {
		return fmt.Errorf("Write after Close = %d, nil; want an error", n)
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("a second Close: %w", err)
	}
	got, err := readAll(ctx, b)
	if err != nil || len(got) != 0 {
		return fmt.Errorf("the other end read %q, %v; want the end and nothing else", got, err)
	}
	return nil
}
