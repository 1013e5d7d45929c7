package streams

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/aio-go/aio"
)

// HappyEyeballsDelay is how long Connect waits for an attempt before it
// starts the next one in parallel, trio's and RFC 8305's 250 ms.
const HappyEyeballsDelay = 250 * time.Millisecond

// Connect opens a stream to address on network, asyncio's open_connection
// and trio's open_tcp_stream: "tcp", "tcp4" or "tcp6" with a "host:port"
// address, or "unix" with a socket path. A host name is resolved off the
// loop (on the default executor); with several addresses Connect tries
// them in trio's happy-eyeballs order, families interleaved, starting the
// next attempt when one fails or has not connected within
// HappyEyeballsDelay, and returns the first that connects (the others are
// cancelled and closed). Its error then joins every attempt's.
//
// A connect timeout is a scope around Connect (aio.Timeout or
// aio.MoveOnAfter), as every other timeout.
//
// Cancellation: if ctx is cancelled, Connect returns a *CancelledError and
// every socket it opened is closed.
func Connect(ctx context.Context, network, address string) (*Stream, error) {
	if err := checkSupported(); err != nil {
		return nil, err
	}
	if network == "unix" {
		return connectUnix(ctx, address)
	}
	addrs, err := resolve(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return happyEyeballs(ctx, addrs)
}

func connectUnix(ctx context.Context, path string) (*Stream, error) {
	fd, sa, err := unixSocket(path)
	if err != nil {
		return nil, opErr("dial", "unix", path, err)
	}
	s, err := connectFD(ctx, fd, sa)
	if err != nil {
		return nil, opErr("dial", "unix", path, err)
	}
	return s, nil
}

func opErr(op, network, addr string, err error) error {
	var ce *aio.CancelledError
	if errors.As(err, &ce) {
		return err
	}
	return &net.OpError{Op: op, Net: network, Addr: stringAddr{network, addr}, Err: err}
}

type stringAddr struct{ net, addr string }

func (a stringAddr) Network() string { return a.net }
func (a stringAddr) String() string  { return a.addr }

// connectFD registers fd and connects it to sa without blocking the loop.
func connectFD(ctx context.Context, fd int, sa sockaddr) (*Stream, error) {
	s, err := newStream(ctx, fd)
	if err != nil {
		return nil, err
	}
	err = connectSocket(fd, sa)
	for err == errIntr {
		err = connectSocket(fd, sa)
	}
	if err == errInProgress {
		if err = s.rfd.WaitWritable(ctx); err == nil {
			err = socketError(fd)
		}
	}
	if err != nil {
		s.Abort()
		return nil, err
	}
	s.setAddrs()
	return s, nil
}

// resolve returns the addresses of "host:port", resolving a host name on
// the default executor.
func resolve(ctx context.Context, network, address string) ([]netip.AddrPort, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("streams: unknown network %q (want tcp, tcp4, tcp6 or unix)", network)
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, opErr("dial", network, address, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, opErr("dial", network, address, fmt.Errorf("invalid port %q", portStr))
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = aio.ToThread(ctx, func(ctx context.Context) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		})
		if err != nil {
			return nil, opErr("dial", network, address, err)
		}
	}
	var out []netip.AddrPort
	for _, ip := range ips {
		ip = ip.Unmap()
		if (network == "tcp4" && !ip.Is4()) || (network == "tcp6" && !ip.Is6()) {
			continue
		}
		out = append(out, netip.AddrPortFrom(ip, uint16(port)))
	}
	if len(out) == 0 {
		return nil, opErr("dial", network, address, errors.New("no suitable address found"))
	}
	return interleave(out), nil
}

// interleave orders addresses as trio does: the first address's family
// first, then alternating families, each family in resolver order.
func interleave(addrs []netip.AddrPort) []netip.AddrPort {
	var first, other []netip.AddrPort
	fam := addrs[0].Addr().Is4()
	for _, a := range addrs {
		if a.Addr().Is4() == fam {
			first = append(first, a)
		} else {
			other = append(other, a)
		}
	}
	out := make([]netip.AddrPort, 0, len(addrs))
	for i := 0; i < len(first) || i < len(other); i++ {
		if i < len(first) {
			out = append(out, first[i])
		}
		if i < len(other) {
			out = append(out, other[i])
		}
	}
	return out
}

func connectTCP(ctx context.Context, a netip.AddrPort) (*Stream, error) {
	fd, sa, err := inetSocket(a, false)
	if err != nil {
		return nil, opErr("dial", "tcp", a.String(), err)
	}
	setNoDelay(fd)
	s, err := connectFD(ctx, fd, sa)
	if err != nil {
		return nil, opErr("dial", "tcp", a.String(), err)
	}
	return s, nil
}

// happyEyeballs connects to the first of addrs that answers, trio's
// open_tcp_stream: attempt i starts when attempt i-1 failed or after
// HappyEyeballsDelay, whichever comes first.
func happyEyeballs(ctx context.Context, addrs []netip.AddrPort) (*Stream, error) {
	if len(addrs) == 1 {
		return connectTCP(ctx, addrs[0])
	}
	var winner *Stream
	var errs []error
	err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
		var failed aio.ParkingLot
		for i, a := range addrs {
			tg.Go(func(ctx context.Context) error {
				s, err := connectTCP(ctx, a)
				switch {
				case err != nil:
					errs = append(errs, err)
					failed.UnparkAll()
				case winner != nil:
					s.Abort()
				default:
					winner = s
					tg.Cancel(nil)
				}
				return nil
			})
			if i == len(addrs)-1 {
				break
			}
			// Wait for the delay, or for an attempt to fail.
			if err := aio.MoveOnAfter(ctx, HappyEyeballsDelay, func(ctx context.Context, _ *aio.Scope) error {
				return failed.Park(ctx)
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if winner != nil {
		return winner, nil
	}
	if err != nil {
		return nil, err
	}
	return nil, errors.Join(errs...)
}
