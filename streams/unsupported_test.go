//go:build !unix

package streams_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// TestEveryCallThatMakesASocketSaysItIsUnsupported: where the loop has no
// reactor, the calls that would make a socket fail with an error for which
// errors.Is(err, errors.ErrUnsupported) holds, before they touch the
// network; the listener given to Serve is closed, as Serve always does.
func TestEveryCallThatMakesASocketSaysItIsUnsupported(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		_, connectErr := streams.Connect(ctx, "tcp", "127.0.0.1:1")
		_, _, pairErr := streams.SocketPair(ctx)
		_, listenErr := streams.ListenUDP(ctx, "udp", "127.0.0.1:0")
		_, dialErr := streams.DialUDP(ctx, "udp", "127.0.0.1:1")
		ln := &closeCounter{}
		serveErr := streams.Serve(ctx, ln, func(context.Context, *streams.Stream) error { return nil })
		for name, err := range map[string]error{
			"Connect": connectErr, "SocketPair": pairErr, "ListenUDP": listenErr,
			"DialUDP": dialErr, "Serve": serveErr,
		} {
			if !errors.Is(err, errors.ErrUnsupported) {
				t.Errorf("%s = %v, want errors.ErrUnsupported", name, err)
			}
		}
		if ln.closed != 1 {
			t.Errorf("Serve closed its listener %d times, want once", ln.closed)
		}
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// closeCounter is a listener that counts its closes and accepts nothing.
type closeCounter struct{ closed int }

func (l *closeCounter) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (l *closeCounter) Close() error              { l.closed++; return nil }
func (l *closeCounter) Addr() net.Addr            { return &net.TCPAddr{} }
