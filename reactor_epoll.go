//go:build linux

package aio

import (
	"errors"
	"math"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The epoll backend: one epoll instance per loop, with every registered fd
// in it edge-triggered for reading and writing (EPOLLIN, EPOLLOUT,
// EPOLLRDHUP, EPOLLET, as Go's runtime poller registers its fds), and an
// eventfd through which another goroutine's post to the inbox interrupts
// an epoll_wait. An event names its FD by a slot of the backend's table
// and the slot's generation, so delivering it costs no map lookup, and an
// event for a slot reused since is dropped.

type epollBackend struct {
	r      *reactor
	epfd   int
	efd    int
	events [128]unix.EpollEvent
	slots  []*FD
	free   []int32
	gen    int32
	// yielded is when the loop last yielded to Go's scheduler.
	yielded int64
}

// yieldEvery is how often a loop that waits for I/O yields to Go's
// scheduler: well within sysmon's 10 ms.
const yieldEvery = 5 * time.Millisecond

// nanotime reads the monotonic clock.
func nanotime() int64 { return int64(time.Since(epoch)) }

var epoch = time.Now()

// eventfdSlot marks the eventfd's events.
const eventfdSlot = -1

func newBackend(r *reactor, portable bool) (backend, error) {
	if portable {
		return newPortableBackend(r), nil
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: eventfdSlot}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, efd, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(efd)
		return nil, err
	}
	b := &epollBackend{r: r, epfd: epfd, efd: efd}
	r.busyPoll = true
	// Posts to the inbox interrupt an epoll_wait through the eventfd; see
	// inbox.sleeping.
	r.loop.inbox.ring = b.ring
	return b, nil
}

func (b *epollBackend) add(f *FD) error {
	var slot int32
	if n := len(b.free); n > 0 {
		slot, b.free = b.free[n-1], b.free[:n-1]
	} else {
		slot = int32(len(b.slots))
		b.slots = append(b.slots, nil)
	}
	b.gen++
	f.slot, f.gen = slot, b.gen
	ev := unix.EpollEvent{
		Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET,
		Fd:     slot,
		Pad:    f.gen,
	}
	if err := unix.EpollCtl(b.epfd, unix.EPOLL_CTL_ADD, int(f.fd), &ev); err != nil {
		b.free = append(b.free, slot)
		if errors.Is(err, unix.EPERM) {
			return errors.New("the fd does not support polling (a regular file or a directory)")
		}
		return err
	}
	b.slots[slot] = f
	return nil
}

func (b *epollBackend) del(f *FD) {
	if b.slots[f.slot] != f {
		return
	}
	// The fd may be closed already (EBADF), or closed and reused: then
	// the kernel dropped its registration with the close, and ENOENT
	// or a stranger's EPERM say so. Either way it is no longer ours.
	unix.EpollCtl(b.epfd, unix.EPOLL_CTL_DEL, int(f.fd), nil)
	b.slots[f.slot] = nil
	b.free = append(b.free, f.slot)
}

func (b *epollBackend) watch(*FD, int) {}

func (b *epollBackend) poll() bool { return b.wait(0) > 0 }

func (b *epollBackend) block(timeout int64) {
	ms := -1
	if timeout >= 0 {
		// Round up: a timer must not fire early, and epoll_wait counts
		// milliseconds.
		ms = int(min((timeout+999_999)/1_000_000, math.MaxInt32))
	}
	// Let Go's scheduler see the goroutine every few milliseconds. A
	// goroutine that has not been through the scheduler for 10 ms is
	// preempted by sysmon with a signal (three system calls), or, if it
	// is in epoll_wait then, has its P taken and handed to another
	// thread (futex wake-ups, and sysmon polling every 20 µs for a while
	// after). The loop's task switches do not go through the scheduler,
	// and streams' reads and writes are raw system calls, so a busy loop
	// would be preempted every 10 ms. Gosched wakes an idle thread
	// (a futex call or two), hence only every yieldEvery: at twice the rate
	// at which an idle sysmon looks, none of its looks finds the loop
	// stuck.
	if now := nanotime(); now-b.yielded >= int64(yieldEvery) {
		b.yielded = now
		runtime.Gosched()
	}
	// No look without blocking first: a blocking epoll_wait that finds
	// events returns as fast as one that does not block, and Go's
	// scheduler takes a P in a system call away only after 10 ms (or at
	// the preemption above, which the yield forestalls), so a look
	// first would only add a system call whenever nothing is there.
	in := &b.r.loop.inbox
	in.sleeping.Store(true)
	if !in.empty() {
		ms = 0
	}
	b.wait(ms)
	in.sleeping.Store(false)
}

// wait runs one epoll_wait and delivers its events; it returns how many
// FDs it woke or marked ready.
func (b *epollBackend) wait(ms int) int {
	var n int
	if ms == 0 {
		r, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(b.epfd),
			uintptr(unsafe.Pointer(&b.events[0])), uintptr(len(b.events)), 0, 0, 0)
		if e != 0 {
			return 0
		}
		n = int(r)
	} else {
		var err error
		if n, err = unix.EpollWait(b.epfd, b.events[:], ms); err != nil {
			return 0 // EINTR: the loop looks again
		}
	}
	got := 0
	for i := range n {
		ev := &b.events[i]
		if ev.Fd == eventfdSlot {
			var buf [8]byte
			unix.Read(b.efd, buf[:])
			continue
		}
		if int(ev.Fd) >= len(b.slots) {
			continue
		}
		f := b.slots[ev.Fd]
		if f == nil || f.gen != ev.Pad {
			continue
		}
		got++
		const failed = unix.EPOLLHUP | unix.EPOLLERR
		if ev.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|failed) != 0 {
			f.deliver(readDir, ev.Events&(unix.EPOLLRDHUP|failed) != 0)
		}
		if ev.Events&(unix.EPOLLOUT|failed) != 0 {
			f.deliver(writeDir, ev.Events&failed != 0)
		}
	}
	return got
}

// ring interrupts an epoll_wait; any goroutine calls it (see inbox.add).
func (b *epollBackend) ring() {
	one := [8]byte{1}
	unix.Write(b.efd, one[:])
}

func (b *epollBackend) close() {
	unix.Close(b.epfd)
	unix.Close(b.efd)
}
