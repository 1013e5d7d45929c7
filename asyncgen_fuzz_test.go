package aio_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

// FuzzAsyncGenAgainstAModel drives an async generator with random sequences
// of ASend, AThrow (handled and not), AClose, a cancelled ASend and an
// ASend made while another is in flight, and checks every result against a
// plain model of the same generator; at the end, Run's shutdown must have
// finished every body that started (cleanup never lost).
//
// The generator: for k in 0..n-1, sleep a second, then yield k; a thrown
// errHandled is answered by yielding -1, any other thrown error ends the
// body with it; a deferred cleanup counts the ends.
func FuzzAsyncGenAgainstAModel(f *testing.F) {
	for _, seed := range []string{"", "\x00\x00\x00", "\x00\x02\x00\x01", "\x00\x03", "\x04\x00\x05\x00", "\x00\x01\x01\x00\x02", "\x06\x00", "\x00\x05\x04\x03"} {
		f.Add([]byte(seed), uint8(3))
	}
	f.Fuzz(func(t *testing.T, ops []byte, n uint8) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		checkAgainstModel(t, ops, int(n%5))
	})
}

var errHandled = errors.New("handled")

// agenModel is what the generator should be.
type agenModel struct {
	n                int
	started, done    bool
	k                int // values yielded so far
	atHandled        bool
	bodies, cleanups int
}

// awaits reports whether a resume now would await in the body.
func (m *agenModel) awaits() bool { return !m.done && m.k < m.n }

func (m *agenModel) send(v int) (int, error) {
	switch {
	case m.done:
		return 0, aio.ErrStopAsyncIteration
	case !m.started && v != 0:
		return 0, gen.ErrNonZeroStart
	case !m.started:
		m.started, m.bodies = true, 1
	}
	m.atHandled = false
	if m.k == m.n {
		m.end()
		return 0, aio.ErrStopAsyncIteration
	}
	m.k++
	return m.k - 1, nil
}

func (m *agenModel) end() {
	if m.started && !m.done {
		m.cleanups++
	}
	m.done = true
}

func (m *agenModel) throw(err error) (int, error) {
	switch {
	case m.done:
		return 0, err
	case !m.started:
		m.done = true
		return 0, err
	case err == errHandled:
		m.atHandled = true
		return -1, nil
	}
	m.end()
	return 0, err
}

func (m *agenModel) close() error {
	m.end()
	return nil
}

// cancelledSend is an ASend whose task is cancelled half a second in: if
// it awaits in the body, the body ends with the cancellation.
func (m *agenModel) cancelledSend() (int, error) {
	if m.awaits() {
		m.started, m.bodies = true, 1
		m.end()
		return 0, aio.ErrCancelled
	}
	return m.send(0)
}

func checkAgainstModel(t *testing.T, ops []byte, n int) {
	m := &agenModel{n: n}
	var bodies, cleanups int
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			bodies++
			defer func() { cleanups++ }()
			for k := 0; k < n; k++ {
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				_, err := y.Yield(ctx, k)
				for errors.Is(err, errHandled) {
					_, err = y.Yield(ctx, -1)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		inTask := func(fn func(ctx context.Context) (int, error)) *aio.Task[int] {
			task, _ := aio.CreateTask(ctx, fn)
			return task
		}
		for i, op := range ops {
			var got, want int
			var gotErr, wantErr error
			name := ""
			switch op % 7 {
			case 0:
				name = "Next"
				got, gotErr = g.Next(ctx)
				want, wantErr = m.send(0)
			case 1:
				name = "ASend(1)"
				got, gotErr = g.ASend(ctx, 1)
				want, wantErr = m.send(1)
			case 2:
				name = "AThrow(handled)"
				got, gotErr = g.AThrow(ctx, errHandled)
				want, wantErr = m.throw(errHandled)
			case 3:
				name = "AThrow(boom)"
				got, gotErr = g.AThrow(ctx, errBoom)
				want, wantErr = m.throw(errBoom)
			case 4:
				name = "AClose"
				gotErr = g.AClose(ctx)
				wantErr = m.close()
			case 5:
				name = "cancelled Next"
				task := inTask(g.Next)
				aio.Sleep(ctx, 500*time.Millisecond)
				task.Cancel(nil)
				got, gotErr = task.Await(ctx)
				want, wantErr = m.cancelledSend()
			case 6:
				name = "Next while another is in flight"
				awaits := m.awaits()
				first := inTask(g.Next)
				aio.Sleep(ctx, 0) // first runs up to its await in the body, or to its end
				want, wantErr = m.send(0)
				s, secondErr := g.Next(ctx)
				if awaits && !errors.Is(secondErr, aio.ErrAsyncGenRunning) {
					return struct{}{}, fmt.Errorf("op %d %s: the second Next got %v, want ErrAsyncGenRunning", i, name, secondErr)
				}
				if !awaits {
					// first had finished: the second is an ordinary Next.
					if ws, we := m.send(0); s != ws || !sameErr(secondErr, we) {
						return struct{}{}, fmt.Errorf("op %d %s: the second Next got (%d, %v), want (%d, %v)", i, name, s, secondErr, ws, we)
					}
				}
				got, gotErr = first.Await(ctx)
			}
			if got != want || !sameErr(gotErr, wantErr) {
				return struct{}{}, fmt.Errorf("op %d %s: got (%d, %v), want (%d, %v)", i, name, got, gotErr, want, wantErr)
			}
			if bodies != m.bodies || cleanups != m.cleanups || g.Done() != m.done {
				return struct{}{}, fmt.Errorf("op %d %s: bodies %d cleanups %d done %v, model %d %d %v", i, name, bodies, cleanups, g.Done(), m.bodies, m.cleanups, m.done)
			}
		}
		return struct{}{}, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatalf("ops %v, n %d: %v", ops, n, err)
	}
	if cleanups != bodies {
		t.Fatalf("ops %v, n %d: %d bodies started, %d cleaned up after Run", ops, n, bodies, cleanups)
	}
}

func sameErr(got, want error) bool {
	if want == nil || got == nil {
		return got == want
	}
	return errors.Is(got, want)
}
