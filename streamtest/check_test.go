//go:build unix

package streamtest_test

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/leakcheck"
	"github.com/aio-go/aio/streams"
	"github.com/aio-go/aio/streamtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := leakcheck.Check(); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

var loops = map[string][]aio.Option{
	"epoll":            nil,
	"portable":         {aio.WithPortableReactor()},
	"epoll/virtual":    {aio.WithVirtualClock()},
	"portable/virtual": {aio.WithVirtualClock(), aio.WithPortableReactor()},
}

func TestSocketStreamsPassTheConformanceCheck(t *testing.T) {
	for name, opts := range loops {
		t.Run(name, func(t *testing.T) {
			streamtest.CheckTwoWayStream(t, opts, func(ctx context.Context) (streamtest.Stream, streamtest.Stream, error) {
				return streams.SocketPair(ctx)
			})
		})
	}
}

func TestMemoryStreamsPassTheConformanceCheck(t *testing.T) {
	for _, hooks := range []streamtest.Hooks{{}, {MaxRead: 7}, {Delay: time.Millisecond, MaxRead: 1000}} {
		streamtest.CheckTwoWayStream(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) (streamtest.Stream, streamtest.Stream, error) {
			a, b := streamtest.Pair(hooks, hooks)
			return a, b, nil
		})
	}
}

func TestMemoryHooksShortenDelayAndReset(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		a, b := streamtest.Pair(streamtest.Hooks{}, streamtest.Hooks{Delay: time.Second, MaxRead: 3, ResetAfter: 5})
		a.Write([]byte("abcdefgh"))
		start := aio.Now(ctx)
		p, err := b.Read(ctx, 100)
		if string(p) != "abc" || err != nil {
			t.Errorf("short read = %q, %v", p, err)
		}
		if d := aio.Now(ctx).Sub(start); d != time.Second {
			t.Errorf("the read took %v of loop time, want the 1s delay", d)
		}
		p, _ = b.Read(ctx, 100)
		if string(p) != "de" {
			t.Errorf("the read up to the reset = %q, want \"de\"", p)
		}
		if _, err := b.Read(ctx, 100); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("the read after ResetAfter = %v, want ECONNRESET", err)
		}
		b.Close()
		if _, err := a.Read(ctx, 1); err != io.EOF {
			t.Errorf("a read after the peer closed = %v, want io.EOF", err)
		}
		if err := a.Drain(ctx); !errors.Is(err, streams.ErrConnectionLost) {
			t.Errorf("Drain after the peer closed = %v, want ErrConnectionLost", err)
		}
		return struct{}{}, nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}
