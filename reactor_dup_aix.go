package aio

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// dupCloexec duplicates fd, the duplicate closed on exec. AIX has no
// F_DUPFD_CLOEXEC: the flag is set after the duplication, under
// syscall.ForkLock as the standard library does it, so that no child
// started in between inherits the duplicate.
func dupCloexec(fd int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD, 0)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(dup)
	return dup, nil
}
