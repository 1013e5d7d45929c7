//go:build unix && !aix

package aio

import "golang.org/x/sys/unix"

// dupCloexec duplicates fd, the duplicate closed on exec.
func dupCloexec(fd int) (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) }
