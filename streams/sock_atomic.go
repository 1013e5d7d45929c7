//go:build linux || freebsd || dragonfly || illumos

package streams

import "golang.org/x/sys/unix"

// Where socket(2), socketpair(2) and accept4(2) take SOCK_NONBLOCK and
// SOCK_CLOEXEC, a socket is born non-blocking and close-on-exec: one system
// call, and no window in which a fork and exec elsewhere in the process
// could inherit it.

const sockFlags = unix.SOCK_NONBLOCK | unix.SOCK_CLOEXEC

func socket(family, sotype int) (int, error) { return unix.Socket(family, sotype|sockFlags, 0) }

func socketPair() ([2]int, error) {
	return unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|sockFlags, 0)
}

// accept takes a connection off the listening socket fd.
func accept(fd int) (int, error) {
	nfd, _, err := unix.Accept4(fd, sockFlags)
	return nfd, err
}
