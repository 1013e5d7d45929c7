//go:build unix && !linux

package streams

import "golang.org/x/sys/unix"

// Outside Linux a stream reads and writes its socket through x/sys (libc
// on darwin and openbsd, where Go makes no raw system calls), which tells
// Go's scheduler: raw_linux.go says what that costs.

// rawRead is read(2) on a non-blocking fd, retried on EINTR.
func rawRead(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Read(fd, p)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

// rawWrite is write(2) on a non-blocking fd, retried on EINTR.
func rawWrite(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Write(fd, p)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}
