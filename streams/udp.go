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
// trio UDP socket), connected to one peer (DialUDP) or not (ListenUDP).
// Its calls are made from the tasks of the loop that made it, one receiver
// and one sender at a time (see Misuse in the package doc); the zero
// Datagram has no socket, and its calls return an error.
//
// Its queues are the kernel's socket buffers alone, so they are bounded,
// and what happens when one is full is what UDP does:
//
//   - The receive queue: a datagram that arrives while the socket's
//     receive buffer is full is dropped by the kernel, silently: neither
//     end gets an error, the datagrams queued before it are received in
//     order, and those that come once a receive has made room are queued
//     again. A receiver that must not lose datagrams reads faster than
//     they come, or has its protocol acknowledge them.
//   - The send queue: a send that finds the socket's buffer full waits
//     until it has room (backpressure), so a send is never dropped by this
//     end; the network may still lose it.
//
// A datagram is received whole or not at all: one into a buffer shorter
// than the datagram gets the buffer's length and the rest of that datagram
// is dropped, as net.UDPConn's does (an empty buffer drops a whole
// datagram and returns 0). A datagram larger than UDP takes (65,507 bytes
// over IPv4) fails to send with EMSGSIZE at once.
//
// A datagram sent to an address where nothing listens is lost without an
// error on an unconnected endpoint; on a connected one the peer's ICMP
// refusal comes back as ECONNREFUSED from a later receive or send, as the
// kernel reports it.
type Datagram struct {
	fd     int
	rfd    *aio.FD
	loop   *aio.Loop
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
	l, err := aio.GetRunningLoop(ctx)
	if err != nil {
		return nil, nil, err
	}
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
	return &Datagram{fd: fd, rfd: rfd, loop: l}, sa, nil
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
	if err := d.check(ctx, "Datagram.SendTo"); err != nil {
		return err
	}
	v6 := d.local.Addr().Is6()
	return d.send(ctx, func() error { return sendTo(d.fd, p, to, v6) })
}

// Send sends p as one datagram to the peer of a connected endpoint.
//
// Cancellation: as SendTo's.
func (d *Datagram) Send(ctx context.Context, p []byte) error {
	if err := d.check(ctx, "Datagram.Send"); err != nil {
		return err
	}
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
	if err := d.check(ctx, "Datagram.RecvFrom"); err != nil {
		return 0, netip.AddrPort{}, err
	}
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
// ErrClosed. Closing twice is fine. From a goroutine that is not the
// loop's thread it changes nothing and returns an error wrapping
// aio.ErrWrongTask; after the loop has finished (which closed the socket)
// it returns nil.
func (d *Datagram) Close() error {
	if d == nil || d.rfd == nil {
		return errNoDatagram
	}
	if err := d.loop.CheckThread("streams: Datagram.Close"); err != nil {
		return err
	}
	if d.closed {
		return nil
	}
	d.closed = true
	return d.rfd.Close() // which closes the socket: the FD owns it
}

// errNoDatagram is the error of the calls on a zero or nil Datagram.
var errNoDatagram = errors.New("streams: the Datagram has no socket (a zero or nil *Datagram: make one with ListenUDP or DialUDP)")

// check is the misuse check of every send and receive: ctx must be that of
// a task of the endpoint's loop that runs now (see Stream.checkCtx).
func (d *Datagram) check(ctx context.Context, what string) error {
	if d == nil || d.rfd == nil {
		return errNoDatagram
	}
	return onLoop(ctx, d.loop, what)
}
