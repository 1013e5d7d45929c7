//go:build unix

package streams_test

import (
	"context"
	"testing"

	"github.com/aio-go/aio/streams"
)

// TestAConnectionCostsOneDescriptorAtEachEndOnEveryBackend: the streams'
// sockets are handed to the reactor (aio.RegisterOwnedFD), so that the
// portable backend holds no duplicate of them: n connections between a
// server and clients of the same process open 2n descriptors, not 4n.
func TestAConnectionCostsOneDescriptorAtEachEndOnEveryBackend(t *testing.T) {
	const n = 50
	if openFDs() == nil {
		t.Skip("no /proc/self/fd to count descriptors in")
	}
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withServer(ctx, t, echo, func(ctx context.Context, addr string) error {
			// The first connection brings up the reactor and Go's poller,
			// whose descriptors are not the connections'.
			first := connect(ctx, t, addr)
			defer first.Close()
			if err := roundTrip(ctx, first); err != nil {
				return err
			}
			before := len(openFDs())
			var conns []*streams.Stream
			defer func() {
				for _, s := range conns {
					s.Abort()
				}
			}()
			for range n {
				s := connect(ctx, t, addr)
				conns = append(conns, s)
				// The echo comes back once the server holds its end.
				if err := roundTrip(ctx, s); err != nil {
					return err
				}
			}
			if opened := len(openFDs()) - before; opened != 2*n {
				t.Errorf("%d connections opened %d descriptors, want %d (one at each end)", n, opened, 2*n)
			}
			return nil
		})
	})
}

func roundTrip(ctx context.Context, s *streams.Stream) error {
	if _, err := s.Write([]byte("ping\n")); err != nil {
		return err
	}
	_, err := s.ReadLine(ctx)
	return err
}
