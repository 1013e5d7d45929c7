package harness

import (
	"syscall"
	"time"
	"unsafe"
)

// syscallMicros returns the cost of a system call that does nothing, in
// microseconds: getppid, and epoll_pwait with a timeout of 0 on an empty
// epoll instance (what an event loop pays per iteration when it polls),
// each the best of 5 loops of 5,000 raw calls (no scheduler hand-off). On
// machines with page-table isolation or in some virtual machines it is 1 µs
// or more, which bounds every loop that polls once per step; 0 if it could
// not be measured.
func syscallMicros() (getppid, epollWait float64) {
	const n, rounds = 5_000, 5
	best := func(call func()) float64 {
		var b time.Duration
		for r := range rounds {
			start := time.Now()
			for range n {
				call()
			}
			if d := time.Since(start); r == 0 || d < b {
				b = d
			}
		}
		return float64(b.Nanoseconds()) / 1e3 / n
	}
	getppid = best(func() { syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0) })
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return getppid, 0
	}
	defer syscall.Close(ep)
	var ev [1]syscall.EpollEvent
	evp := uintptr(unsafe.Pointer(&ev[0]))
	epollWait = best(func() {
		syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(ep), evp, 1, 0, 0, 0)
	})
	return getppid, epollWait
}
