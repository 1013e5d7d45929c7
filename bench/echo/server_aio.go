//go:build aiostreams

// The aio server kinds, built only with -tags aiostreams until aio's streams
// package (issue 14) is on this branch. Once it is, drop the build tag,
// adjust the three calls marked below to the package's API, and the
// harness measures both kinds with nothing else to change: it already
// lists them (harness.EchoServers) and shows them as "not built" while
// the server process answers exit status 3 for them.

package echo

import (
	"context"
	"net"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

func init() {
	Register(AIOEpoll, func(ctx context.Context, addr string, ready func(net.Addr)) error {
		return ServeAIO(ctx, addr, ready /* API: the epoll reactor, Linux's default */)
	})
	Register(AIOPortable, func(ctx context.Context, addr string, ready func(net.Addr)) error {
		return ServeAIO(ctx, addr, ready, streams.WithPortableBackend() /* API: the loop Option of the portable backend */)
	})
}

// ServeAIO is the aio server: aio.Run with the given loop options, a
// server that runs each connection as a task of its own group, and a
// handler that reads up to ReadBufferSize bytes and writes them back, as
// ServeGoNet does. It stops when ctx is done.
func ServeAIO(ctx context.Context, addr string, ready func(net.Addr), opts ...aio.Option) error {
	opts = append(opts, aio.WithContext(ctx))
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		// API: streams.StartServer(ctx, handler, addr) -> (*streams.Server, error).
		srv, err := streams.StartServer(ctx, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
			for {
				data, err := r.Read(ctx, ReadBufferSize)
				if len(data) == 0 || err != nil {
					return err
				}
				w.Write(data)
			}
		}, addr)
		if err != nil {
			return struct{}{}, err
		}
		ready(srv.Addr())
		// API: the server serves until ctx is cancelled, then closes.
		return struct{}{}, srv.ServeForever(ctx)
	}, opts...)
	if ctx.Err() != nil {
		return nil
	}
	return err
}
