package streams

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"strings"

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
	if err := checkSupported(); err != nil {
		return nil, err
	}
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
	d, sa, err := newDatagram(ctx, a, host == "" && network != "udp4" && network != "udp6")
	if err != nil {
		return nil, opErr("listen", network, address, err)
	}
	if err := bindSocket(d.fd, sa); err != nil {
		d.Close()
		return nil, opErr("listen", network, address, err)
	}
	d.setLocal()
	return d, nil
}

// DialUDP opens a UDP endpoint connected to address: Send and Recv talk to
// that peer alone.
func DialUDP(ctx context.Context, network, address string) (*Datagram, error) {
	if err := checkSupported(); err != nil {
		return nil, err
	}
	a, err := resolveUDP(ctx, network, address)
	if err != nil {
		return nil, err
	}
	d, sa, err := newDatagram(ctx, a, false)
	if err != nil {
		return nil, opErr("dial", network, address, err)
	}
	if err := connectSocket(d.fd, sa); err != nil {
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

// newDatagram makes a UDP socket of a's family (dual: an IPv6 socket that
// takes IPv4 too) and registers it; sa is a as the socket takes it.
func newDatagram(ctx context.Context, a netip.AddrPort, dual bool) (*Datagram, sockaddr, error) {
	fd, sa, err := inetSocket(a, true)
	if err != nil {
		return nil, nil, err
	}
	if a.Addr().Is6() {
		setV6Only(fd, !dual)
	}
	rfd, err := aio.RegisterOwnedFD(ctx, uintptr(fd))
	if err != nil {
		closeSocket(fd)
		return nil, nil, err
	}
	return &Datagram{fd: fd, rfd: rfd}, sa, nil
}

func (d *Datagram) setLocal() { d.local = localAddrPort(d.fd) }

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
	v6 := d.local.Addr().Is6()
	return d.send(ctx, func() error { return sendTo(d.fd, p, to, v6) })
}

// Send sends p as one datagram to the peer of a connected endpoint.
//
// Cancellation: as SendTo's.
func (d *Datagram) Send(ctx context.Context, p []byte) error {
	if !d.peer.IsValid() {
		return errors.New("streams: Send on an unconnected endpoint (use SendTo)")
	}
	return d.send(ctx, func() error { return send(d.fd, p) })
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
		case errAgain, errNoBufs:
			if err := d.wait(ctx, true); err != nil {
				return err
			}
		case errIntr:
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
		n, from, err := recvFrom(d.fd, buf)
		switch err {
		case nil:
			return n, from, nil
		case errAgain:
			if err := d.wait(ctx, false); err != nil {
				return 0, netip.AddrPort{}, err
			}
		case errIntr:
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
