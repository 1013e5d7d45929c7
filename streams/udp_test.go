//go:build unix

package streams_test

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

func TestDatagramsBetweenAnUnconnectedAndAConnectedEndpoint(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		srv, err := streams.ListenUDP(ctx, "udp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		cli, err := streams.DialUDP(ctx, "udp", srv.LocalAddr().String())
		if err != nil {
			return err
		}
		defer cli.Close()
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				buf := make([]byte, 64)
				for range 3 {
					n, from, err := srv.RecvFrom(ctx, buf)
					if err != nil {
						return err
					}
					if err := srv.SendTo(ctx, append([]byte("re: "), buf[:n]...), from); err != nil {
						return err
					}
				}
				return nil
			})
			buf := make([]byte, 64)
			for _, m := range []string{"a", "bb", "ccc"} {
				if err := cli.Send(ctx, []byte(m)); err != nil {
					return err
				}
				n, err := cli.Recv(ctx, buf)
				if err != nil || string(buf[:n]) != "re: "+m {
					t.Errorf("reply %q, %v", buf[:n], err)
				}
			}
			return nil
		})
	})
}

func TestACancelledReceiveTakesNoDatagram(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
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
		buf := make([]byte, 16)
		err = aio.MoveOnAfter(ctx, time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
			_, _, err := a.RecvFrom(ctx, buf)
			return err
		})
		if err != nil {
			return err
		}
		if err := b.SendTo(ctx, []byte("kept"), a.LocalAddr()); err != nil {
			return err
		}
		n, from, err := a.RecvFrom(ctx, buf)
		if string(buf[:n]) != "kept" || from != b.LocalAddr() || err != nil {
			t.Errorf("RecvFrom after a cancelled one = %q from %v, %v", buf[:n], from, err)
		}
		return nil
	})
}

func TestClosingADatagramEndpointFailsItsPendingReceive(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		a, err := streams.ListenUDP(ctx, "udp", ":0")
		if err != nil {
			return err
		}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				_, _, err := a.RecvFrom(ctx, make([]byte, 8))
				if !errors.Is(err, streams.ErrClosed) {
					t.Errorf("a pending RecvFrom when the endpoint closes = %v, want ErrClosed", err)
				}
				return nil
			})
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			a.Close()
			if err := a.SendTo(ctx, []byte("x"), a.LocalAddr()); !errors.Is(err, streams.ErrClosed) {
				t.Errorf("SendTo after Close = %v", err)
			}
			return a.Close()
		})
	})
}

func TestAConnectedEndpointWhosePeerIsGoneReportsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		gone, err := streams.ListenUDP(ctx, "udp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := gone.LocalAddr().String()
		gone.Close()
		c, err := streams.DialUDP(ctx, "udp4", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.Send(ctx, []byte("anyone?")); err != nil {
			return err
		}
		_, err = c.Recv(ctx, make([]byte, 8))
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Recv from a peer that is gone = %v, want ECONNREFUSED", err)
		}
		if _, err := streams.ListenUDP(ctx, "tcp", "127.0.0.1:0"); err == nil {
			t.Error("ListenUDP on tcp succeeded")
		}
		return nil
	})
}
