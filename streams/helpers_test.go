//go:build unix

package streams_test

import (
	"context"
	"net"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

var backends = []struct {
	name string
	opts []aio.Option
}{
	{"epoll", nil},
	{"portable", []aio.Option{aio.WithPortableReactor()}},
	{"epoll/virtual", []aio.Option{aio.WithVirtualClock()}},
	{"portable/virtual", []aio.Option{aio.WithVirtualClock(), aio.WithPortableReactor()}},
}

// eachBackend runs fn as the main task of a loop on each reactor backend,
// on the real and the virtual clock.
func eachBackend(t *testing.T, fn func(t *testing.T, ctx context.Context) error) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if _, err := aio.Run(func(ctx context.Context) (struct{}, error) {
				return struct{}{}, fn(t, ctx)
			}, b.opts...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// withServer starts a server with handler on 127.0.0.1 port 0, runs body
// with its address, and stops the server when body returns.
func withServer(ctx context.Context, t *testing.T, handler streams.Handler, body func(ctx context.Context, addr string) error) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
		tg.Go(func(ctx context.Context) error {
			return streams.Serve(ctx, ln, handler)
		})
		err := body(ctx, addr)
		tg.Cancel(nil)
		return err
	})
}

// connect connects to addr or fails the test.
func connect(ctx context.Context, t *testing.T, addr string) *streams.Stream {
	t.Helper()
	s, err := streams.Connect(ctx, "tcp", addr)
	if err != nil {
		t.Fatalf("Connect(%s) = %v", addr, err)
	}
	return s
}

// echo is a handler that writes back every line.
func echo(ctx context.Context, s *streams.Stream) error {
	for {
		line, err := s.ReadLine(ctx)
		if err != nil || len(line) == 0 {
			return nil
		}
		if _, err := s.Write(line); err != nil {
			return err
		}
		if err := s.Drain(ctx); err != nil {
			return err
		}
	}
}
