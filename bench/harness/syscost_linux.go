//go:build linux

package harness

import (
	"runtime"
	"syscall"
	"time"
)

// syscallNanos returns what the cheapest syscall costs on this machine,
// getppid(2), and what epoll_wait(2) costs with a timeout of 0 on an empty
// epoll set, the syscall that CPython's asyncio, uvloop and trio make once
// per loop iteration; both in nanoseconds, the best of 50 batches (0 if
// unmeasured). Page-table isolation without PCID makes every syscall cost a
// microsecond or more on some virtual machines, against about 100 ns on
// most hardware: then a runtime's syscalls per operation are most of its
// cost, and the report shows both figures for it.
func syscallNanos() (getppid, epollWait float64) {
	getppid = bestOf(func() { syscall.Getppid() })
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return getppid, 0
	}
	defer syscall.Close(fd)
	events := make([]syscall.EpollEvent, 1)
	epollWait = bestOf(func() { syscall.EpollWait(fd, events, 0) })
	return getppid, epollWait
}

// bestOf returns the least time per call of fn over many short batches, in
// nanoseconds: the other processes of a shared machine only add to it.
func bestOf(fn func()) float64 {
	const batches, calls = 50, 2_000
	best := 0.0
	for range batches {
		start := time.Now()
		for range calls {
			fn()
		}
		per := float64(time.Since(start).Nanoseconds()) / calls
		if best == 0 || per < best {
			best = per
		}
	}
	return best
}

// syscallUserNanos returns the user CPU time that the kernel charges to a
// getppid(2) call, in nanoseconds (0 if unmeasured): getrusage(2) of the
// calling thread around half a million raw calls, the user share of their
// time. On most machines it is a few nanoseconds; on a virtual machine
// whose syscalls trap to the hypervisor (this project's, under PVM) the
// switch back is charged as user time, about half a microsecond a call, so
// a server's user CPU per request includes that much per syscall before
// any of its own code runs.
func syscallUserNanos() float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const calls = 500_000
	const rusageThread = 1 // RUSAGE_THREAD
	var before, after syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &before); err != nil {
		return 0
	}
	for range calls {
		syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
	}
	if err := syscall.Getrusage(rusageThread, &after); err != nil {
		return 0
	}
	user := after.Utime.Nano() - before.Utime.Nano()
	return float64(user) / calls
}
