// The aio server kinds: aio's streams on the epoll reactor (Linux's
// default) and on the portable backend (Go's poller).

package echo

import (
	"context"
	"net"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

func init() {
	Register(AIOEpoll, func(ctx context.Context, addr string, ready func(net.Addr)) error {
		return ServeAIO(ctx, addr, ready)
	})
	Register(AIOPortable, func(ctx context.Context, addr string, ready func(net.Addr)) error {
		return ServeAIO(ctx, addr, ready, aio.WithPortableReactor())
	})
}

// ServeAIO is the aio server: aio.Run with the given loop options, and
// streams.Serve, which runs each connection as a task of the server's
// group, with a handler that reads up to ReadBufferSize bytes with
// ReadInto and writes them back, draining as asyncio's streams servers do,
// as ServeGoNet does. Every handler reads into the same buffer, as uvloop's
// transports do: the handlers run on the loop's one thread, and what one
// read is written (the socket takes it, or the stream copies what it does
// not take) before the handler can park and another read into the buffer,
// so an idle connection holds no buffer. It stops when ctx is done.
func ServeAIO(ctx context.Context, addr string, ready func(net.Addr), opts ...aio.Option) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	opts = append(opts, aio.WithContext(ctx))
	_, err = aio.Run(func(ctx context.Context) (struct{}, error) {
		ready(ln.Addr())
		buf := make([]byte, sharedReadSize)
		return struct{}{}, streams.Serve(ctx, ln, func(ctx context.Context, s *streams.Stream) error {
			for {
				n, err := s.ReadInto(ctx, buf)
				if n == 0 || err != nil {
					return nil // the client's end, or its reset
				}
				if _, err := s.Write(buf[:n]); err != nil {
					return err
				}
				if err := s.Drain(ctx); err != nil {
					return err
				}
			}
		})
	}, opts...)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// sharedReadSize is the size of the aio server's one read buffer: the
// 256 KiB of uvloop's and asyncio's transports, which also read every
// connection into one buffer of the loop's. ServeGoNet's buffer is a
// connection's own, hence its smaller ReadBufferSize.
const sharedReadSize = 256 << 10
