//go:build linux

package streams

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/aio-go/aio"
)

// Datagram is a UDP endpoint on the loop (asyncio's datagram endpoint, a
// trio UDP socket), connected to one peer (DialUDP) or not (ListenUDP). Its
// buffers are the kernel's alone, so they are bounded: a send that finds
// the socket's buffer full waits until it has room, and a datagram that
// arrives when the receive buffer is full is dropped by the kernel, as UDP
// does. A receive into a buffer shorter than the datagram truncates it, as
// net.UDPConn's does. Its calls are made from the tasks of the loop that
// made it, one receiver and one sender at a time.
type Datagram struct {
	fd     int
	rfd    *aio.FD
	local  netip.AddrPort
	peer   netip.AddrPort // zero for an unconnected endpoint
	closed bool
}

// ListenUDP opens an unconnected UDP endpoint bound to address ("host:port"
// on "udp", "udp4" or "udp6"; port 0 picks one; an empty host binds every
// address).
func ListenUDP(ctx context.Context, network, address string) (*Datagram, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, opErr("listen", network, address, err)
	}
	if host == "" {
		wild := "[::]"
		if network == "udp4" {
			wild = "0.0.0.0"
		}
		address = wild + address
	}
	a, err := resolveUDP(ctx, network, address)
	if err != nil {
		return nil, err
	}
	d, err := newDatagram(ctx, a, host == "" && network != "udp4" && network != "udp6")
	if err != nil {
		return nil, opErr("listen", network, address, err)
	}
	_, sa := sockaddr(a)
	if err := unix.Bind(d.fd, sa); err != nil {
		d.Close()
		return nil, opErr("listen", network, address, err)
	}
	d.setLocal()
	return d, nil
}

// DialUDP opens a UDP endpoint connected to address: Send and Recv talk to
// that peer alone.
func DialUDP(ctx context.Context, network, address string) (*Datagram, error) {
	a, err := resolveUDP(ctx, network, address)
	if err != nil {
		return nil, err
	}
	d, err := newDatagram(ctx, a, false)
	if err != nil {
		return nil, opErr("dial", network, address, err)
	}
	_, sa := sockaddr(a)
	if err := unix.Connect(d.fd, sa); err != nil {
		d.Close()
		return nil, opErr("dial", network, address, err)
	}
	d.peer = a
	d.setLocal()
	return d, nil
}

func resolveUDP(ctx context.Context, network, address string) (netip.AddrPort, error) {
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return netip.AddrPort{}, fmt.Errorf("streams: unknown network %q (want udp, udp4 or udp6)", network)
	}
	addrs, err := resolve(ctx, strings.Replace(network, "udp", "tcp", 1), address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return addrs[0], nil
}

func newDatagram(ctx context.Context, a netip.AddrPort, dual bool) (*Datagram, error) {
	family, _ := sockaddr(a)
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if family == unix.AF_INET6 {
		v6only := 1
		if dual {
			v6only = 0
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only)
	}
	rfd, err := aio.RegisterOwnedFD(ctx, uintptr(fd))
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &Datagram{fd: fd, rfd: rfd}, nil
}

func (d *Datagram) setLocal() {
	if sa, err := unix.Getsockname(d.fd); err == nil {
		d.local = addrPortOf(sa)
	}
}

func addrPortOf(sa unix.Sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// LocalAddr returns the address the endpoint is bound to.
func (d *Datagram) LocalAddr() netip.AddrPort { return d.local }

// RemoteAddr returns the peer of a connected endpoint, the zero AddrPort
// for an unconnected one.
func (d *Datagram) RemoteAddr() netip.AddrPort { return d.peer }

func (d *Datagram) wait(ctx context.Context, write bool) error {
	var err error
	if write {
		err = d.rfd.WaitWritable(ctx)
	} else {
		err = d.rfd.WaitReadable(ctx)
	}
	if errors.Is(err, fs.ErrClosed) {
		return ErrClosed
	}
	return err
}

// SendTo sends p as one datagram to an address (on an unconnected
// endpoint), waiting while the socket's buffer is full.
//
// Cancellation: if ctx is cancelled while SendTo waits, it returns a
// *CancelledError and the datagram was not sent.
func (d *Datagram) SendTo(ctx context.Context, p []byte, to netip.AddrPort) error {
	_, sa := sockaddr(to)
	if d.local.Addr().Is6() && to.Addr().Is4() {
		sa = &unix.SockaddrInet6{Port: int(to.Port()), Addr: netip.AddrFrom16(to.Addr().As16()).As16()}
	}
	return d.send(ctx, func() error { return unix.Sendto(d.fd, p, 0, sa) })
}

// Send sends p as one datagram to the peer of a connected endpoint.
//
// Cancellation: as SendTo's.
func (d *Datagram) Send(ctx context.Context, p []byte) error {
	if !d.peer.IsValid() {
		return errors.New("streams: Send on an unconnected endpoint (use SendTo)")
	}
	return d.send(ctx, func() error { _, err := unix.Write(d.fd, p); return err })
}

func (d *Datagram) send(ctx context.Context, op func() error) error {
	for {
		if d.closed {
			return ErrClosed
		}
		err := op()
		switch err {
		case nil:
			return nil
		case unix.EAGAIN, unix.ENOBUFS:
			if err := d.wait(ctx, true); err != nil {
				return err
			}
		case unix.EINTR:
		default:
			return &net.OpError{Op: "write", Net: "udp", Err: err}
		}
	}
}

// RecvFrom receives one datagram into buf and returns its length and
// sender; it waits until one arrives.
//
// Cancellation: if ctx is cancelled while RecvFrom waits, it returns a
// *CancelledError and no datagram was taken: the next one stays queued.
func (d *Datagram) RecvFrom(ctx context.Context, buf []byte) (int, netip.AddrPort, error) {
	for {
		if d.closed {
			return 0, netip.AddrPort{}, ErrClosed
		}
		n, from, err := unix.Recvfrom(d.fd, buf, 0)
		switch err {
		case nil:
			return n, addrPortOf(from), nil
		case unix.EAGAIN:
			if err := d.wait(ctx, false); err != nil {
				return 0, netip.AddrPort{}, err
			}
		case unix.EINTR:
		default:
			// On a connected endpoint, an ICMP port unreachable comes
			// back as ECONNREFUSED: the peer is not listening.
			return 0, netip.AddrPort{}, &net.OpError{Op: "read", Net: "udp", Err: err}
		}
	}
}

// Recv is RecvFrom without the sender, for a connected endpoint.
//
// Cancellation: as RecvFrom's.
func (d *Datagram) Recv(ctx context.Context, buf []byte) (int, error) {
	n, _, err := d.RecvFrom(ctx, buf)
	return n, err
}

// Close closes the endpoint; a task waiting in a send or a receive gets
// ErrClosed. Closing twice is fine.
func (d *Datagram) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	return d.rfd.Close() // which closes the socket: the FD owns it
}
