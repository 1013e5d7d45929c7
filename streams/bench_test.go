//go:build unix

package streams_test

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// The echo round trip of a 1 KiB message over loopback TCP: an aio server
// and client on one loop (on each backend), against the raw-Go baseline,
// a goroutine per connection on net.Conn. The server reads with
// ReadExactly (asyncio's call: each message a fresh slice), or with
// ReadInto.

const echoSize = 1 << 10

func benchEcho(b *testing.B, size int, into bool, opts ...aio.Option) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	handler := func(ctx context.Context, s *streams.Stream) error {
		for {
			msg, err := s.ReadExactly(ctx, size)
			if err != nil {
				return nil
			}
			s.Write(msg)
			if err := s.Drain(ctx); err != nil {
				return err
			}
		}
	}
	if into {
		// The echo benchmark's server (bench/echo/server_aio.go): what
		// comes is written back, read into a buffer with ReadInto.
		buf := make([]byte, 64<<10)
		handler = func(ctx context.Context, s *streams.Stream) error {
			for {
				n, err := s.ReadInto(ctx, buf)
				if err != nil {
					return nil
				}
				s.Write(buf[:n])
				if err := s.Drain(ctx); err != nil {
					return err
				}
			}
		}
	}
	b.ReportAllocs()
	_, err = aio.Run(func(ctx context.Context) (struct{}, error) {
		srv := &streams.Server{Handler: handler}
		return struct{}{}, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return srv.Serve(ctx, ln) })
			s, err := streams.Connect(ctx, "tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			defer s.Close()
			msg := make([]byte, size)
			b.SetBytes(int64(size))
			for b.Loop() {
				s.Write(msg)
				if err := s.Drain(ctx); err != nil {
					return err
				}
				if _, err := s.ReadExactly(ctx, size); err != nil {
					return err
				}
			}
			srv.Close()
			return nil
		})
	}, opts...)
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkEchoRoundTrip(b *testing.B) { benchEcho(b, echoSize, false) }
func BenchmarkEchoRoundTripPortable(b *testing.B) {
	benchEcho(b, echoSize, false, aio.WithPortableReactor())
}
func BenchmarkEchoRoundTrip64K(b *testing.B) { benchEcho(b, 64<<10, false) }

// The same with the server on ReadInto, which allocates nothing.
func BenchmarkEchoRoundTripReadInto(b *testing.B)    { benchEcho(b, echoSize, true) }
func BenchmarkEchoRoundTrip64KReadInto(b *testing.B) { benchEcho(b, 64<<10, true) }

// BenchmarkEchoRoundTripNetBaseline is the same round trip on net.Conn,
// with the server's connection on a goroutine of its own.
func BenchmarkEchoRoundTripNetBaseline(b *testing.B)    { benchNetEcho(b, echoSize) }
func BenchmarkEchoRoundTrip64KNetBaseline(b *testing.B) { benchNetEcho(b, 64<<10) }

func benchNetEcho(b *testing.B, size int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, size)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	msg, buf := make([]byte, size), make([]byte, size)
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
	c.Close()
	<-done
}
