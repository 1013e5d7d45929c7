//go:build linux

package streams

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// A stream's socket is non-blocking, so its read(2) and write(2) return at
// once: they are made as raw system calls, without telling Go's scheduler
// (entersyscall, exitsyscall). That spares each call the scheduler's
// bookkeeping, and it keeps the loop's P out of the syscall state, in which
// sysmon would hand it to another thread when the call lasts more than
// 20 µs (a large write's copy can) and would itself keep waking every
// 20 µs to look: futex and nanosleep calls that an echo server pays per
// request otherwise. The longest such call is a copy of what the socket
// takes at once, which holds back a garbage collector's stop-the-world no
// longer than any other code of the loop's step.

// empty stands for the buffer of a zero-length read or write.
var empty byte

func bufPtr(p []byte) uintptr {
	if len(p) == 0 {
		return uintptr(unsafe.Pointer(&empty))
	}
	return uintptr(unsafe.Pointer(&p[0]))
}

// rawRead is read(2) on a non-blocking fd, retried on EINTR.
func rawRead(fd int, p []byte) (int, error) {
	for {
		n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), bufPtr(p), uintptr(len(p)))
		switch e {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}

// rawWrite is write(2) on a non-blocking fd, retried on EINTR.
func rawWrite(fd int, p []byte) (int, error) {
	for {
		n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), bufPtr(p), uintptr(len(p)))
		switch e {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}
