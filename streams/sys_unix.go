//go:build unix

package streams

import (
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// The package's system calls, on every unix: sockets are made non-blocking
// and close-on-exec (sock_*.go says how on each system), read and written
// with raw system calls on Linux and through x/sys elsewhere (raw_*.go),
// and waited on through the loop's reactor, epoll or Go's poller. On the
// other systems, sys_other.go fails the calls that would make a socket.

// sockaddr is a socket address as the system takes it.
type sockaddr = unix.Sockaddr

// The errors the package tells apart.
const (
	errAgain       = unix.EAGAIN
	errIntr        = unix.EINTR
	errInProgress  = unix.EINPROGRESS
	errConnAborted = unix.ECONNABORTED
	errMFile       = unix.EMFILE
	errNFile       = unix.ENFILE
	errNoBufs      = unix.ENOBUFS
	errNoMem       = unix.ENOMEM
)

// checkSupported reports that streams work here.
func checkSupported() error { return nil }

// inetSocket makes a non-blocking TCP (or, if datagram, UDP) socket of a's
// family and returns it with a as its address.
func inetSocket(a netip.AddrPort, datagram bool) (int, sockaddr, error) {
	family, sa := sockaddrOf(a)
	sotype := unix.SOCK_STREAM
	if datagram {
		sotype = unix.SOCK_DGRAM
	}
	fd, err := socket(family, sotype)
	return fd, sa, err
}

// unixSocket makes a non-blocking Unix stream socket and returns it with
// path as its address.
func unixSocket(path string) (int, sockaddr, error) {
	fd, err := socket(unix.AF_UNIX, unix.SOCK_STREAM)
	return fd, &unix.SockaddrUnix{Name: path}, err
}

func sockaddrOf(a netip.AddrPort) (int, sockaddr) {
	if a.Addr().Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(a.Port()), Addr: a.Addr().As4()}
	}
	sa := &unix.SockaddrInet6{Port: int(a.Port()), Addr: a.Addr().As16()}
	if z := a.Addr().Zone(); z != "" {
		if ifi, err := net.InterfaceByName(z); err == nil {
			sa.ZoneId = uint32(ifi.Index)
		}
	}
	return unix.AF_INET6, sa
}

func closeSocket(fd int) { unix.Close(fd) }

func connectSocket(fd int, sa sockaddr) error { return unix.Connect(fd, sa) }

func bindSocket(fd int, sa sockaddr) error { return unix.Bind(fd, sa) }

func shutdownWrite(fd int) error { return unix.Shutdown(fd, unix.SHUT_WR) }

// shutdownRead ends the read side of the socket, which wakes a task
// waiting for it to become readable; the peer is not told (on a Unix
// socket, its writes fail from then on).
func shutdownRead(fd int) { unix.Shutdown(fd, unix.SHUT_RD) }

// socketError is the error that a connect in progress ended with (nil if
// it connected), SO_ERROR.
func socketError(fd int) error {
	soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err == nil && soerr != 0 {
		err = unix.Errno(soerr)
	}
	return err
}

func setNoDelay(fd int) { unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1) }

// setV6Only makes an IPv6 socket take IPv6 alone, or with !on IPv4 too.
func setV6Only(fd int, on bool) {
	v := 0
	if on {
		v = 1
	}
	unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v)
}

// addrs returns the socket's local and peer addresses, nil for those it
// has not.
func addrs(fd int) (local, peer net.Addr) {
	if sa, err := unix.Getsockname(fd); err == nil {
		local = sockaddrToAddr(sa)
	}
	if sa, err := unix.Getpeername(fd); err == nil {
		peer = sockaddrToAddr(sa)
	}
	return local, peer
}

func sockaddrToAddr(sa sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return &net.TCPAddr{IP: append(net.IP(nil), sa.Addr[:]...), Port: sa.Port}
	case *unix.SockaddrInet6:
		a := &net.TCPAddr{IP: append(net.IP(nil), sa.Addr[:]...), Port: sa.Port}
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				a.Zone = ifi.Name
			}
		}
		return a
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: sa.Name, Net: "unix"}
	}
	return nil
}

// localAddrPort is the address a UDP socket is bound to.
func localAddrPort(fd int) netip.AddrPort {
	if sa, err := unix.Getsockname(fd); err == nil {
		return addrPortOf(sa)
	}
	return netip.AddrPort{}
}

func addrPortOf(sa sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// sendTo sends p as one datagram to to; an IPv4 address is sent as its
// IPv4-mapped IPv6 form from an IPv6 socket (v6).
func sendTo(fd int, p []byte, to netip.AddrPort, v6 bool) error {
	_, sa := sockaddrOf(to)
	if v6 && to.Addr().Is4() {
		sa = &unix.SockaddrInet6{Port: int(to.Port()), Addr: to.Addr().As16()}
	}
	return unix.Sendto(fd, p, 0, sa)
}

// send sends p as one datagram on a connected socket.
func send(fd int, p []byte) error {
	_, err := unix.Write(fd, p)
	return err
}

// recvFrom receives one datagram into buf.
func recvFrom(fd int, buf []byte) (int, netip.AddrPort, error) {
	n, from, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return n, netip.AddrPort{}, err
	}
	return n, addrPortOf(from), nil
}
