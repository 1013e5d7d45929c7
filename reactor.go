package aio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
)

// The reactor: I/O readiness is the third thing the loop waits for, beside
// timers and the inbox. A loop gets one the first time a task registers a
// file descriptor, so a loop that does no I/O holds no descriptor and pays
// nothing.
//
// Registration is persistent and edge-triggered: an fd is added to the
// backend once, for reading and writing both, when it is registered, and
// removed when its FD is closed; waiting and being woken make no system
// call. An edge that comes while no task waits in that direction is kept
// as a flag, which the next wait consumes without parking: no edge is lost,
// and a wait may return for an edge that the caller's last read already
// consumed (the caller's next read then says EAGAIN, and it waits again).
// Go's runtime poller makes the same choice, for the same reason: level
// triggering would report a socket nobody reads from at every poll, and
// one-shot registration costs an epoll_ctl per wait.
//
// Polling: the loop polls the backend when it has nothing ready (one
// blocking wait until the next timer, the inbox or readiness: see
// epollBackend.block for why no look without blocking comes first), and
// while it is busy, at
// the start of a batch once pollEvery runnables have run since the last
// poll and some task waits on an fd: so a loop whose tasks never stop
// still serves I/O, and a step pays no system call. Woken tasks join the
// ready queue behind those already there.
//
// On the virtual clock, I/O does not hold time: when nothing is ready the
// loop polls without blocking, and if nothing is ready there either, it
// jumps to the next timer as if no fd were registered; only with no timer
// left does it block for I/O (or for the inbox). Data that a task of the
// loop writes into a loopback or Unix socket is readable at the other end
// when the write returns, so a program whose peers are all tasks of the
// loop runs deterministically; a peer outside the loop is outside input,
// which the virtual clock does not wait for.

// pollEvery bounds the runnables a busy loop runs between two polls of the
// reactor: with a system call of about 1.3 µs, it costs a 150 ns step
// about 3%.
const pollEvery = 256

// ErrBusyResource is returned when a task waits for an fd to become
// readable (or writable) while another task already waits for the same
// thing, trio's BusyResourceError, and when an fd already registered with
// the loop is registered again. Nothing was registered or changed.
var ErrBusyResource = errors.New("aio: another task already waits on this resource")

const (
	readDir  = 0
	writeDir = 1
)

// reactor is the loop's side of I/O readiness; l.io is nil until the first
// registration.
type reactor struct {
	loop *Loop
	be   backend
	// busyPoll is set for the backends that must be polled while the loop
	// is busy (epoll); the portable backend's completions arrive through
	// the inbox, which the loop drains at every batch.
	busyPoll bool
	fds      map[uintptr]*FD
	waiting  int // tasks parked on an FD
	steps    int // runnables run since the last poll
}

// backend is one way of learning readiness: epoll on Linux, Go's runtime
// poller elsewhere and behind WithPortableReactor.
type backend interface {
	add(f *FD) error
	del(f *FD)
	// watch is called when a task starts waiting on f in direction d.
	watch(f *FD, d int)
	// poll delivers what is ready now without blocking and reports
	// whether something was (or is on its way through the inbox).
	poll() bool
	// block waits for readiness or the inbox, up to timeout nanoseconds
	// (a negative timeout: no limit), and delivers what is ready.
	block(timeout int64)
	close()
}

// reactor returns the loop's reactor, creating it at the first call.
func (l *Loop) reactor() (*reactor, error) {
	if l.io != nil {
		return l.io, nil
	}
	r := &reactor{loop: l, fds: make(map[uintptr]*FD)}
	be, err := newBackend(r, l.cfg.portableIO)
	if err != nil {
		return nil, fmt.Errorf("aio: starting the I/O reactor: %w", err)
	}
	r.be = be
	l.io = r
	return r, nil
}

// tick is the busy loop's poll: called at the start of each batch of n.
func (r *reactor) tick(n int) {
	r.steps += n
	if r.steps >= pollEvery && r.waiting > 0 && r.busyPoll {
		r.steps = 0
		r.be.poll()
	}
}

// closeReactor releases the reactor's descriptors when the loop closes;
// the FDs still registered are unregistered (their fds stay open: they
// belong to whoever registered them), and those of RegisterOwnedFD are
// closed.
func (l *Loop) closeReactor() {
	r := l.io
	if r == nil {
		return
	}
	for _, f := range r.fds {
		f.closed = true
		r.unregister(f)
	}
	clear(r.fds)
	r.be.close()
}

// unregister takes f off the backend and closes its fd if f owns it. The
// portable backend holds an owned fd itself in an *os.File, whose close is
// the fd's: only for the other backends is there a close left to make.
func (r *reactor) unregister(f *FD) {
	r.be.del(f)
	if f.owned && f.port == nil {
		closeFD(f.fd)
	}
}

// FD is a file descriptor registered with a loop's reactor, for tasks that
// bring their own descriptors (tokio's AsyncFd; asyncio's add_reader and
// add_writer, in the form of waits). The fd must be in non-blocking mode;
// the task does its reads and writes itself, and waits when one says
// EAGAIN. An FD made by RegisterFD does not own its fd: Close unregisters
// it and leaves it open. Close the FD before closing the fd: a closed fd
// whose number is reused would be a stranger still registered. An FD made
// by RegisterOwnedFD owns its fd, and Close closes it.
//
// An FD belongs to the loop of the task that registered it: a task of
// another loop gets ErrWrongLoop from its waits.
type FD struct {
	fd     uintptr
	loop   *Loop
	waiter [2]*taskBase
	ready  [2]bool // an edge came while nobody waited
	// hup is set for good once the fd hung up or failed in a direction:
	// no edge will come after that one, so every wait returns at once.
	hup    [2]bool
	closed bool
	once   bool // registered by WaitReadable or WaitWritable, for one wait
	owned  bool // registered by RegisterOwnedFD: closing f closes fd

	// the epoll backend's slot and generation; the portable backend's
	// *os.File of fd on Go's poller (fd itself if owned, else a
	// duplicate), and its watchers.
	slot, gen int32
	port      *portableFD
}

// RegisterFD registers fd with the reactor of ctx's loop, for reading and
// writing both, until the FD is closed. It returns an error wrapping
// ErrBusyResource if fd is registered with the loop already, and a clear
// error for what the system refuses (an fd that is closed, a regular file,
// an fd in blocking mode).
//
// The FD does not own fd, so on the portable backend (WithPortableReactor,
// and every system without epoll) it waits on a duplicate of fd that Go's
// poller owns: each registration holds a second descriptor while it lasts.
// A program that makes its descriptors for the loop alone can hand them
// over with RegisterOwnedFD, which holds no second one.
func RegisterFD(ctx context.Context, fd uintptr) (*FD, error) {
	t, err := current(ctx)
	if err != nil {
		return nil, err
	}
	return t.node.loop.registerFD(fd, false, false)
}

// RegisterOwnedFD is RegisterFD for an fd that the caller hands over to
// the FD (tokio's AsyncFd, which owns what it wraps): from then on the FD
// owns fd, its Close closes fd, and so does the loop's close if the FD is
// still registered then. The caller may go on reading, writing and
// otherwise using fd until it closes the FD, but must not close fd itself.
// It is what the streams package registers its sockets with: on the
// portable backend an owned fd goes on Go's poller as it is, so a
// connection costs one descriptor, not the two that RegisterFD's duplicate
// costs there; on epoll the two are the same but for the close.
//
// If RegisterOwnedFD returns an error, nothing was registered and fd is
// still the caller's, open: it returns the same errors as RegisterFD.
func RegisterOwnedFD(ctx context.Context, fd uintptr) (*FD, error) {
	t, err := current(ctx)
	if err != nil {
		return nil, err
	}
	return t.node.loop.registerFD(fd, false, true)
}

func (l *Loop) registerFD(fd uintptr, once, owned bool) (*FD, error) {
	r, err := l.reactor()
	if err != nil {
		return nil, err
	}
	if _, ok := r.fds[fd]; ok {
		return nil, fmt.Errorf("%w: fd %d is registered with the loop already", ErrBusyResource, fd)
	}
	if err := checkNonblocking(fd); err != nil {
		return nil, fmt.Errorf("aio: register fd %d: %w", fd, err)
	}
	f := &FD{fd: fd, loop: l, once: once, owned: owned}
	if err := r.be.add(f); err != nil {
		return nil, fmt.Errorf("aio: register fd %d: %w", fd, err)
	}
	r.fds[fd] = f
	return f, nil
}

// Fd returns the file descriptor.
func (f *FD) Fd() uintptr { return f.fd }

// WaitReadable parks the calling task until f's fd has become readable (or
// hung up, or failed) since the last time a wait for reading returned. It
// returns at once if that happened while no task waited (and no
// ClearReadable dropped it since), and always once the fd hung up or
// failed. Call it when a read said EAGAIN, or after a read that did not
// fill its buffer: new data always brings a new edge.
//
// It returns an error wrapping ErrBusyResource if another task already
// waits for f to be readable, one wrapping fs.ErrClosed if f is closed
// (before or during the wait), and ErrWrongLoop for a task of another loop.
//
// Cancellation: if ctx is cancelled, before or during the wait, the task
// stops waiting and WaitReadable returns a *CancelledError; f stays
// registered, and an edge that comes later is kept for the next wait.
func (f *FD) WaitReadable(ctx context.Context) error { return f.wait(ctx, readDir) }

// WaitWritable is WaitReadable for writing: it parks the calling task until
// f's fd has become writable (or hung up, or failed). Call it when a write
// said EAGAIN or wrote less than asked.
//
// Cancellation: as WaitReadable's.
func (f *FD) WaitWritable(ctx context.Context) error { return f.wait(ctx, writeDir) }

var dirNames = [2]string{"readable", "writable"}

func (f *FD) wait(ctx context.Context, d int) error {
	t, err := current(ctx)
	if err != nil {
		return err
	}
	l := t.node.loop
	if l != f.loop {
		return ErrWrongLoop
	}
	if f.closed {
		return fmt.Errorf("aio: wait for fd %d to be %s: %w", f.fd, dirNames[d], fs.ErrClosed)
	}
	if f.waiter[d] != nil {
		return fmt.Errorf("%w: a task already waits for fd %d to be %s", ErrBusyResource, f.fd, dirNames[d])
	}
	if f.ready[d] || f.hup[d] {
		f.ready[d] = false
		if ctx.Err() != nil {
			f.ready[d] = true // not consumed
			return cancelled(ctx)
		}
		return nil
	}
	f.waiter[d] = t
	l.io.waiting++
	l.io.be.watch(f, d)
	if err := t.park(ctx, f); err != nil {
		return err
	}
	if f.closed {
		return fmt.Errorf("aio: wait for fd %d to be %s: %w", f.fd, dirNames[d], fs.ErrClosed)
	}
	return nil
}

// ClearReadable tells f that its fd has nothing left to read: call it
// after a read that said EAGAIN or returned less than it asked for, from a
// task of f's loop (tokio's clear_ready). An edge that f kept while no task
// waited came before that read, whose data the read consumed: ClearReadable
// drops it, so that the next WaitReadable parks until new data comes
// instead of returning for nothing and costing a read that says EAGAIN. A
// hang-up is not dropped. On the portable backend Go's poller may still
// report the old edge once, which a wait may always return for (see
// WaitReadable).
func (f *FD) ClearReadable() { f.ready[readDir] = false }

// ClearWritable is ClearReadable for writing: call it after a write that
// said EAGAIN or wrote less than it was given.
func (f *FD) ClearWritable() { f.ready[writeDir] = false }

// abort takes a task whose wait was cancelled off f.
func (f *FD) abort(t *taskBase) {
	for d := range f.waiter {
		if f.waiter[d] == t {
			f.waiter[d] = nil
			f.loop.io.waiting--
		}
	}
}

// deliver wakes the task waiting in direction d, or keeps the edge; hup
// says the fd hung up or failed in that direction.
func (f *FD) deliver(d int, hup bool) {
	if f.closed {
		return
	}
	if hup {
		f.hup[d] = true
	}
	t := f.waiter[d]
	if t == nil {
		f.ready[d] = true
		return
	}
	f.waiter[d] = nil
	f.loop.io.waiting--
	t.wake()
}

// Close unregisters f from its loop; it closes the fd if f was made by
// RegisterOwnedFD, and leaves it open otherwise. A task waiting on f wakes
// with an error wrapping fs.ErrClosed (trio's notify_closing). Closing
// twice is fine: the second does nothing. Called from a goroutine that is
// not the loop's thread, it changes nothing and returns an error wrapping
// ErrWrongTask.
func (f *FD) Close() error {
	l := f.loop
	if err := l.checkThread("FD.Close"); err != nil {
		return err
	}
	if f.closed {
		return nil
	}
	f.closed = true
	r := l.io
	for d, t := range f.waiter {
		if t != nil {
			f.waiter[d] = nil
			r.waiting--
			t.wake()
		}
	}
	if r.fds[f.fd] == f {
		delete(r.fds, f.fd)
	}
	r.unregister(f)
	return nil
}

// WaitReadable parks the calling task until fd is readable (trio's
// lowlevel.wait_readable), for tasks that bring their own non-blocking
// descriptors: it registers fd with the loop for this one wait and
// unregisters it after, which costs two system calls; a task that waits on
// the same fd again and again should use RegisterFD. It returns at once if
// fd is readable already.
//
// It returns an error wrapping ErrBusyResource if another task already
// waits for fd to be readable, or if fd is registered with RegisterFD (wait
// through that FD); a clear error for an fd the system refuses; ErrNoTask,
// ErrWrongTask or ErrLoopClosed for a context that is not the running
// task's.
//
// Cancellation: if ctx is cancelled before or during the wait, WaitReadable
// returns a *CancelledError and fd is unregistered; nothing is read.
func WaitReadable(ctx context.Context, fd uintptr) error { return waitOnce(ctx, fd, readDir) }

// WaitWritable is WaitReadable for writing (trio's
// lowlevel.wait_writable).
//
// Cancellation: as WaitReadable's.
func WaitWritable(ctx context.Context, fd uintptr) error { return waitOnce(ctx, fd, writeDir) }

func waitOnce(ctx context.Context, fd uintptr, d int) error {
	t, err := current(ctx)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return cancelled(ctx)
	}
	l := t.node.loop
	f := (*FD)(nil)
	if l.io != nil {
		f = l.io.fds[fd]
	}
	if f != nil && !f.once {
		return fmt.Errorf("%w: fd %d is registered with RegisterFD: wait through its FD", ErrBusyResource, fd)
	}
	if f == nil {
		if f, err = l.registerFD(fd, true, false); err != nil {
			return err
		}
	}
	err = f.wait(ctx, d)
	if f.waiter[0] == nil && f.waiter[1] == nil {
		f.Close()
	}
	return err
}

// checkNonblocking refuses an fd in blocking mode: a read on it would
// block the loop's thread, whatever the reactor says.
func checkNonblocking(fd uintptr) error {
	nb, err := isNonblock(fd)
	if err != nil {
		return err
	}
	if !nb {
		return errors.New("the fd is in blocking mode (set O_NONBLOCK first)")
	}
	return nil
}

// WithPortableReactor makes the loop learn I/O readiness from Go's own
// poller rather than from an epoll instance of its own: a wait that must
// park runs on a goroutine that posts the readiness to the loop. It costs
// a goroutine and two switches per wait, and it is what loops use where
// there is no epoll; on Linux it is there to test the portable backend.
func WithPortableReactor() Option { return Option{func(c *config) { c.portableIO = true }} }
