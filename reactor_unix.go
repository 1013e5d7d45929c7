//go:build unix

package aio

import "golang.org/x/sys/unix"

func isNonblock(fd uintptr) (bool, error) {
	fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
	if err != nil {
		return false, err
	}
	return fl&unix.O_NONBLOCK != 0, nil
}

// closeFD closes an fd that an FD owns.
func closeFD(fd uintptr) { unix.Close(int(fd)) }
