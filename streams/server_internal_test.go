//go:build unix

package streams

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/aio-go/aio"
)

// TestAcceptRunningOutOfDescriptorsBacksOffAndRetries is net/http's rule:
// EMFILE on accept is not the end of the server; it waits and accepts
// again, and the connection that waited is served.
func TestAcceptRunningOutOfDescriptorsBacksOffAndRetries(t *testing.T) {
	failures := 3
	acceptConn = func(fd int) (int, error) {
		if failures > 0 {
			failures--
			return -1, unix.EMFILE
		}
		return accept(fd)
	}
	defer func() { acceptConn = accept }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, err = aio.Run(func(ctx context.Context) (struct{}, error) {
		start := aio.Now(ctx)
		return struct{}{}, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				return Serve(ctx, ln, func(ctx context.Context, s *Stream) error {
					_, err := s.Write([]byte("hi"))
					return err
				})
			})
			s, err := Connect(ctx, "tcp", addr)
			if err != nil {
				return err
			}
			defer s.Close()
			got, err := s.ReadExactly(ctx, 2)
			if string(got) != "hi" || err != nil {
				t.Errorf("after EMFILE, the connection got %q, %v", got, err)
			}
			if failures != 0 {
				t.Errorf("%d EMFILE left", failures)
			}
			// 5 + 10 + 20 ms of backoff, on the virtual clock.
			if d := aio.Now(ctx).Sub(start); d != 35*time.Millisecond {
				t.Errorf("the server backed off %v, want 35ms", d)
			}
			tg.Cancel(nil)
			return nil
		})
	}, aio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}

// TestHappyEyeballsFallsBackToTheNextAddress is trio's
// test_open_tcp_stream_multi_host: the first address refuses, the second
// answers, and the stream is to the second.
func TestHappyEyeballsFallsBackToTheNextAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	good := netip.MustParseAddrPort(ln.Addr().String())
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := netip.MustParseAddrPort(dead.Addr().String())
	dead.Close()
	_, err = aio.Run(func(ctx context.Context) (struct{}, error) {
		return struct{}{}, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				return Serve(ctx, ln, func(ctx context.Context, s *Stream) error { return nil })
			})
			s, err := happyEyeballs(ctx, []netip.AddrPort{refused, refused, good})
			if err != nil {
				t.Errorf("happy eyeballs = %v", err)
			} else {
				if got := s.RemoteAddr().String(); got != good.String() {
					t.Errorf("connected to %s, want %s", got, good)
				}
				s.Close()
			}
			_, err = happyEyeballs(ctx, []netip.AddrPort{refused, refused})
			if err == nil {
				t.Error("happy eyeballs to refusing addresses succeeded")
			}
			tg.Cancel(nil)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestInterleaveAlternatesFamiliesStartingWithTheFirst(t *testing.T) {
	p := netip.MustParseAddrPort
	got := interleave([]netip.AddrPort{p("[::1]:1"), p("[::2]:1"), p("1.1.1.1:1"), p("[::3]:1"), p("2.2.2.2:1")})
	want := "[[::1]:1 1.1.1.1:1 [::2]:1 2.2.2.2:1 [::3]:1]"
	if s := fmtAddrs(got); s != want {
		t.Errorf("interleave = %s, want %s", s, want)
	}
}

func fmtAddrs(a []netip.AddrPort) string {
	s := "["
	for i, x := range a {
		if i > 0 {
			s += " "
		}
		s += x.String()
	}
	return s + "]"
}
