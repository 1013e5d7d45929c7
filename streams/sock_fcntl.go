//go:build unix && !(linux || freebsd || dragonfly || illumos)

package streams

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Where accept4(2) is missing (darwin, ios, netbsd and openbsd as x/sys
// has them, aix, solaris), a socket is made, then set close-on-exec and
// non-blocking with fcntl(2), as Go's net does there: the first two under
// syscall.ForkLock held for reading, so that no fork of os/exec (which
// holds it for writing) runs between them and hands the socket to a child.

func socket(family, sotype int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, sotype, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	return nonblock(fd)
}

func socketPair() ([2]int, error) {
	syscall.ForkLock.RLock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return fds, err
	}
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return fds, err
		}
	}
	return fds, nil
}

// accept takes a connection off the listening socket fd.
func accept(fd int) (int, error) {
	syscall.ForkLock.RLock()
	nfd, _, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	return nonblock(nfd)
}

// nonblock puts a new socket in non-blocking mode, or closes it.
func nonblock(fd int) (int, error) {
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}
