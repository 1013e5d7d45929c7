//go:build unix

package streams_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"syscall"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// UDP's edges, as Datagram's doc states them: truncation, sizes UDP does
// not take, sends to nobody, and a receive queue that fills up. Loopback
// delivers a datagram before its send returns, so these run the same way
// on every backend and clock.

// udpPair returns two unconnected endpoints on 127.0.0.1.
func udpPair(ctx context.Context, fn func(a, b *streams.Datagram) error) error {
	a, err := streams.ListenUDP(ctx, "udp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := streams.ListenUDP(ctx, "udp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer b.Close()
	return fn(a, b)
}

// tryRecv receives a datagram that is queued, without waiting for one: a
// scope cancelled from the start lets the receive's first attempt through
// and stops its wait.
func tryRecv(ctx context.Context, d *streams.Datagram, buf []byte) (n int, ok bool, err error) {
	err = aio.MoveOnAfter(ctx, 0, func(ctx context.Context, _ *aio.Scope) error {
		var err error
		n, _, err = d.RecvFrom(ctx, buf)
		ok = err == nil
		return err
	})
	return n, ok, err
}

func TestADatagramLongerThanTheBufferIsTruncatedAndItsRestDropped(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return udpPair(ctx, func(a, b *streams.Datagram) error {
			for _, m := range []string{"0123456789", "next", "third"} {
				if err := b.SendTo(ctx, []byte(m), a.LocalAddr()); err != nil {
					return err
				}
			}
			buf := make([]byte, 4)
			if n, from, err := a.RecvFrom(ctx, buf); string(buf[:n]) != "0123" || from != b.LocalAddr() || err != nil {
				t.Errorf("RecvFrom into 4 bytes = %q from %v, %v; want 0123", buf[:n], from, err)
			}
			if n, _, err := a.RecvFrom(ctx, buf); string(buf[:n]) != "next" || err != nil {
				t.Errorf("the next RecvFrom = %q, %v; want the next datagram, not the rest of the first", buf[:n], err)
			}
			// An empty buffer takes a datagram and drops all of it.
			if n, _, err := a.RecvFrom(ctx, nil); n != 0 || err != nil {
				t.Errorf("RecvFrom(nil) = %d, %v; want 0, nil", n, err)
			}
			if _, ok, err := tryRecv(ctx, a, buf); ok || err != nil {
				t.Errorf("after RecvFrom(nil) a datagram is still queued (%v, %v): it took none", ok, err)
			}
			return nil
		})
	})
}

func TestADatagramTooLargeForUDPFailsToSendAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return udpPair(ctx, func(a, b *streams.Datagram) error {
			err := bounded(ctx, func(ctx context.Context) error {
				return b.SendTo(ctx, make([]byte, 70_000), a.LocalAddr())
			})
			if !errors.Is(err, syscall.EMSGSIZE) {
				t.Errorf("SendTo of 70,000 bytes = %v, want EMSGSIZE", err)
			}
			// The largest datagram IPv4 takes goes through whole.
			big := make([]byte, 65_507)
			big[len(big)-1] = 'z'
			if err := b.SendTo(ctx, big, a.LocalAddr()); err != nil {
				return err
			}
			buf := make([]byte, 70_000)
			if n, _, err := a.RecvFrom(ctx, buf); n != len(big) || buf[n-1] != 'z' || err != nil {
				t.Errorf("RecvFrom of the largest datagram = %d bytes, %v", n, err)
			}
			return nil
		})
	})
}

func TestSendingToAnAddressWhereNothingListensIsLostWithoutAnError(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return udpPair(ctx, func(a, b *streams.Datagram) error {
			gone, err := streams.ListenUDP(ctx, "udp4", "127.0.0.1:0")
			if err != nil {
				return err
			}
			nobody := gone.LocalAddr()
			gone.Close()
			for range 3 {
				if err := b.SendTo(ctx, []byte("anyone?"), nobody); err != nil {
					t.Errorf("SendTo an address where nothing listens = %v, want nil", err)
				}
			}
			// No error is left pending on the endpoint: it still works.
			if err := b.SendTo(ctx, []byte("hi"), a.LocalAddr()); err != nil {
				return err
			}
			if err := a.SendTo(ctx, []byte("back"), b.LocalAddr()); err != nil {
				return err
			}
			buf := make([]byte, 8)
			if n, _, err := b.RecvFrom(ctx, buf); string(buf[:n]) != "back" || err != nil {
				t.Errorf("RecvFrom after sends to nobody = %q, %v", buf[:n], err)
			}
			return nil
		})
	})
}

func TestAFullReceiveQueueDropsTheNewestDatagramsSilently(t *testing.T) {
	const sent, size = 2000, 1000 // 2 MB: more than a default receive buffer
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return udpPair(ctx, func(a, b *streams.Datagram) error {
			msg := make([]byte, size)
			for i := range sent {
				binary.BigEndian.PutUint32(msg, uint32(i))
				if err := b.SendTo(ctx, msg, a.LocalAddr()); err != nil {
					t.Fatalf("send %d into a full queue = %v, want nil: a drop is silent", i, err)
				}
			}
			buf := make([]byte, 2*size)
			got := 0
			for {
				n, ok, err := tryRecv(ctx, a, buf)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				if seq := binary.BigEndian.Uint32(buf); n != size || seq != uint32(got) {
					t.Fatalf("datagram %d of the full queue is #%d of %d bytes: want the oldest ones, in order", got, seq, n)
				}
				got++
			}
			if got == 0 || got >= sent {
				t.Fatalf("%d of %d datagrams were queued: want the queue to have filled and dropped some", got, sent)
			}
			// Room again: the next datagram is queued.
			if err := b.SendTo(ctx, []byte("after"), a.LocalAddr()); err != nil {
				return err
			}
			if n, _, err := a.RecvFrom(ctx, buf); string(buf[:n]) != "after" || err != nil {
				t.Errorf("once the queue had room, RecvFrom = %q, %v", buf[:n], err)
			}
			return nil
		})
	})
}

func TestSendOnAnUnconnectedEndpointIsAnError(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return udpPair(ctx, func(a, _ *streams.Datagram) error {
			if err := a.Send(ctx, []byte("x")); err == nil {
				t.Error("Send on an unconnected endpoint succeeded")
			}
			if a.RemoteAddr() != (netip.AddrPort{}) {
				t.Errorf("RemoteAddr of an unconnected endpoint = %v, want the zero AddrPort", a.RemoteAddr())
			}
			return nil
		})
	})
}
