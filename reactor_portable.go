//go:build unix

package aio

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// The portable backend, on Go's own poller: an FD holds its fd as an
// *os.File, which puts it on the runtime's poller, and a wait that must
// park starts a watcher, a goroutine that waits in the file's RawConn until
// the fd is ready and posts the readiness to the loop's inbox. A watcher
// lives until its fd is ready or its FD closed (closing the file ends its
// wait), not as long as a task waits: a cancelled wait leaves it running,
// and the next wait in that direction waits for it rather than starting
// another. The loop itself waits on the inbox as it does without I/O, and
// is never polled while busy: the inbox is drained at every batch.
//
// An *os.File owns its descriptor (its Close and its cleanup close it), so
// an FD of RegisterFD, which does not own its fd, holds a duplicate of it
// (F_DUPFD_CLOEXEC): a second descriptor, closed with the FD. An FD of
// RegisterOwnedFD wraps its fd itself, and closing the file is closing the
// fd: one descriptor, as on epoll. Either way the file's Close returns once
// Go's poller has let go of the descriptor (a watcher parked on it is woken
// first), so the descriptors are closed when FD.Close returns.

type portableBackend struct {
	r *reactor
}

// portableFD is an FD's side of the portable backend.
type portableFD struct {
	file     *os.File
	rc       syscall.RawConn
	watching [2]bool
}

func newPortableBackend(r *reactor) backend { return &portableBackend{r: r} }

func (b *portableBackend) add(f *FD) error {
	fd := f.fd
	if !f.owned {
		dup, err := dupCloexec(int(f.fd))
		if err != nil {
			return err
		}
		fd = uintptr(dup)
	}
	file := os.NewFile(fd, "aio-fd")
	// SyscallConn fails for a nil *File alone, and NewFile returns one only
	// for a negative fd, which checkNonblocking has refused.
	rc, _ := file.SyscallConn()
	f.port = &portableFD{file: file, rc: rc}
	return nil
}

func (b *portableBackend) del(f *FD) {
	if f.port != nil {
		f.port.file.Close()
	}
}

func (b *portableBackend) watch(f *FD, d int) {
	p := f.port
	if p.watching[d] {
		return
	}
	p.watching[d] = true
	l := b.r.loop
	go func() {
		ready := func(fd uintptr) bool { return pollNow(int(fd), d) }
		if d == readDir {
			p.rc.Read(ready)
		} else {
			p.rc.Write(ready)
		}
		// Closed or ready: either way the watcher is done. A post to a
		// closed inbox is refused, and then nobody waits any more.
		l.inbox.post(func() {
			p.watching[d] = false
			f.deliver(d, false)
		})
	}()
}

// pollNow reports whether fd is ready in direction d (or failed), without
// blocking.
func pollNow(fd int, d int) bool {
	pfd := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if d == writeDir {
		pfd[0].Events = unix.POLLOUT
	}
	n, err := unix.Poll(pfd[:], 0)
	return err == nil && n > 0
}

// poll is the virtual clock's look at I/O before it jumps: if a watched fd
// is ready, its watcher is about to post, and the loop waits for it.
func (b *portableBackend) poll() bool {
	var pfds []unix.PollFd
	for _, f := range b.r.fds {
		if f.waiter[readDir] != nil {
			pfds = append(pfds, unix.PollFd{Fd: int32(f.fd), Events: unix.POLLIN})
		}
		if f.waiter[writeDir] != nil {
			pfds = append(pfds, unix.PollFd{Fd: int32(f.fd), Events: unix.POLLOUT})
		}
	}
	if len(pfds) == 0 {
		return false
	}
	if n, err := unix.Poll(pfds, 0); err != nil || n == 0 {
		return false
	}
	<-b.r.loop.inbox.wake
	return true
}

func (b *portableBackend) block(timeout int64) {
	l := b.r.loop
	if timeout < 0 {
		<-l.inbox.wake
		return
	}
	l.clock.wait(l.clock.now()+timeout, l.inbox.wake)
}

func (b *portableBackend) close() {}
