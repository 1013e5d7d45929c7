package streams

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sync"

	"github.com/aio-go/aio"
)

// Stream is a connected socket on the loop (TCP or Unix): asyncio's
// StreamReader and StreamWriter in one value, and through Conn a net.Conn.
// It belongs to the loop of the task that made it; its methods are called
// from that loop's tasks, one reader and one writer at a time (see Misuse
// in the package doc for what happens otherwise). The zero Stream has no
// socket: its calls return an error, and Abort does nothing.
type Stream struct {
	fd    int
	rfd   *aio.FD
	loop  *aio.Loop
	local net.Addr
	peer  net.Addr

	// the reader
	rbuf        []byte // buffered data is rbuf[roff:]
	roff        int
	limit       int
	eof         bool
	rerr        error // what the last read of the socket failed with
	mayRead     bool  // the last read filled its buffer: read before waiting
	readWaiting bool  // a reader waits for the socket to become readable

	// the writer
	wbuf        []byte // pending data is wbuf[woff:]
	woff        int
	high, low   int
	paused      bool  // pending went over high and not yet under low
	lost        error // the connection failed on a write
	eofWanted   bool  // WriteEOF was called
	eofSent     bool
	flushing    bool // the flusher task runs
	flushLot    aio.ParkingLot
	drainLot    aio.ParkingLot
	closing     bool
	closed      bool
	closedEvent aio.Event
}

// Default limits, asyncio's.
const (
	// DefaultLimit bounds what ReadLine and ReadUntil buffer while they
	// look for their separator: 64 KiB.
	DefaultLimit = 64 << 10
	// DefaultHighWater is the pending output over which Drain waits;
	// DefaultLowWater the level under which it returns again.
	DefaultHighWater = 64 << 10
	DefaultLowWater  = DefaultHighWater / 4
)

// ErrClosed is returned by the calls made on a Stream after Close or
// Abort; it is net.ErrClosed, so errors.Is(err, net.ErrClosed) holds.
var ErrClosed = net.ErrClosed

// ErrConnectionLost wraps the error with which a write failed: Drain and
// the writes after it return it.
var ErrConnectionLost = errors.New("streams: connection lost")

// ErrWriteAfterEOF is Write's error after WriteEOF (asyncio's "Cannot call
// write() after write_eof()").
var ErrWriteAfterEOF = errors.New("streams: Write after WriteEOF")

// errNoStream is the error of the calls on a zero or nil Stream.
var errNoStream = errors.New("streams: the Stream has no socket (a zero or nil *Stream: make one with Connect, SocketPair or a Server)")

// newStream takes ownership of the non-blocking socket fd, and hands it to
// the loop's reactor (RegisterOwnedFD): one descriptor per stream on either
// backend, closed when the FD is.
func newStream(ctx context.Context, fd int) (*Stream, error) {
	l, err := aio.GetRunningLoop(ctx)
	if err != nil {
		closeSocket(fd)
		return nil, err
	}
	rfd, err := aio.RegisterOwnedFD(ctx, uintptr(fd))
	if err != nil {
		closeSocket(fd)
		return nil, err
	}
	s := &Stream{
		fd: fd, rfd: rfd, loop: l, limit: DefaultLimit,
		high: DefaultHighWater, low: DefaultLowWater, mayRead: true,
	}
	s.setAddrs()
	return s, nil
}

// setAddrs reads the socket's addresses, once it is connected.
func (s *Stream) setAddrs() { s.local, s.peer = addrs(s.fd) }

// LocalAddr returns the local address of the socket; nil on a zero or nil
// Stream.
func (s *Stream) LocalAddr() net.Addr {
	if s == nil {
		return nil
	}
	return s.local
}

// RemoteAddr returns the address of the peer; nil on a zero or nil Stream.
func (s *Stream) RemoteAddr() net.Addr {
	if s == nil {
		return nil
	}
	return s.peer
}

// SetLimit sets the limit of ReadLine and ReadUntil (DefaultLimit at
// first). A limit of zero or less is an error, as asyncio's ValueError,
// and the limit stays as it was.
func (s *Stream) SetLimit(n int) error {
	if err := s.check("Stream.SetLimit"); err != nil {
		return err
	}
	if n <= 0 {
		return fmt.Errorf("streams: SetLimit(%d): the limit must be positive", n)
	}
	s.limit = n
	return nil
}

// SetWriteBufferLimits sets the water marks of Drain (asyncio's
// set_write_buffer_limits): Drain waits once more than high bytes are
// pending, until at most low are. As asyncio's None, a high of 0 is the
// default (4*low if low is given, else DefaultHighWater) and a low of 0 is
// high/4. A negative mark, or a low over the high, is an error (asyncio's
// ValueError) and the marks stay as they were. The new marks apply at
// once: a Drain waiting for the old low one returns if what is pending is
// under the new one.
func (s *Stream) SetWriteBufferLimits(high, low int) error {
	if err := s.check("Stream.SetWriteBufferLimits"); err != nil {
		return err
	}
	if high < 0 || low < 0 {
		return fmt.Errorf("streams: SetWriteBufferLimits(%d, %d): the water marks must not be negative", high, low)
	}
	switch {
	case high == 0 && low > 0:
		high = 4 * low
	case high == 0:
		high = DefaultHighWater
	}
	if low == 0 {
		low = high / 4
	}
	if low > high {
		return fmt.Errorf("streams: SetWriteBufferLimits(%d, %d): high must be >= low", high, low)
	}
	s.high, s.low = high, low
	switch {
	case s.paused && s.pending() <= low:
		s.paused = false
		s.drainLot.UnparkAll()
	case !s.paused && s.pending() > high:
		s.paused = true
	}
	return nil
}

// fill reads what the socket has into the buffer: one read, after waiting
// for readiness if the last read emptied the socket. It returns with data
// added, or with s.eof set, or with an error; the buffer is unchanged
// unless data was added, so a cancelled fill loses nothing.
//
// The read goes into a pooled 64 KiB buffer and what came is appended to
// the stream's: an empty stream holds no buffer while it waits (an idle
// connection costs its task and its Stream, not a read buffer), and one
// read takes whatever the socket has, up to 64 KiB.
func (s *Stream) fill(ctx context.Context) error {
	switch {
	case s.roff == len(s.rbuf):
		s.rbuf, s.roff = nil, 0
	case s.roff > 0 && s.roff >= len(s.rbuf)/2:
		n := copy(s.rbuf, s.rbuf[s.roff:])
		s.rbuf, s.roff = s.rbuf[:n], 0
	}
	for {
		if err := s.waitData(ctx); err != nil {
			return err
		}
		buf := scratch.Get().(*[64 << 10]byte)
		n, again, err := s.recv(buf[:])
		if n > 0 {
			s.rbuf = append(s.rbuf, buf[:n]...)
		}
		scratch.Put(buf)
		if !again {
			return err
		}
	}
}

// fillInto is fill for an empty buffer, reading straight into p: it
// returns n > 0, or 0 with s.eof set, or an error.
func (s *Stream) fillInto(ctx context.Context, p []byte) (int, error) {
	for {
		if err := s.waitData(ctx); err != nil {
			return 0, err
		}
		if n, again, err := s.recv(p); !again {
			return n, err
		}
	}
}

// waitData waits for the socket to become readable, unless the last read
// filled its buffer (then more may be there without a new edge); it fails
// once the stream is closing or a read of the socket failed, also when
// that happens during the wait (Close wakes the waiting reader).
func (s *Stream) waitData(ctx context.Context) error {
	switch {
	case s.closing:
		return ErrClosed
	case s.rerr != nil:
		return s.rerr
	case !s.mayRead:
		s.readWaiting = true
		err := s.rfd.WaitReadable(ctx)
		s.readWaiting = false
		if s.closing {
			return ErrClosed
		}
		if err != nil {
			return s.waitErr(err)
		}
	}
	return nil
}

// recv reads the socket into p once, without blocking; again says that it
// had nothing (EAGAIN), and that the caller should wait and call again. At
// the end of the stream it sets s.eof; a failure is kept in s.rerr.
func (s *Stream) recv(p []byte) (n int, again bool, err error) {
	n, err = rawRead(s.fd, p)
	switch {
	case err == errAgain:
		s.mayRead = false
		s.rfd.ClearReadable()
		return 0, true, nil
	case err != nil:
		s.rerr = &net.OpError{Op: "read", Net: s.netName(), Source: s.local, Addr: s.peer, Err: err}
		return 0, false, s.rerr
	case n == 0:
		s.eof = true
		return 0, false, nil
	}
	if s.mayRead = n == len(p); !s.mayRead {
		// The socket is empty: an edge kept since is for data this
		// read took.
		s.rfd.ClearReadable()
	}
	return n, false, nil
}

// scratch holds the buffers that fill reads into.
var scratch = sync.Pool{New: func() any { return new([64 << 10]byte) }}

// waitErr turns the reactor's "closed" into the stream's.
func (s *Stream) waitErr(err error) error {
	if errors.Is(err, fs.ErrClosed) {
		return ErrClosed
	}
	if errors.Is(err, aio.ErrBusyResource) {
		return fmt.Errorf("streams: another task is already reading or writing the stream: %w", err)
	}
	return err
}

func (s *Stream) netName() string {
	if _, ok := s.peer.(*net.UnixAddr); ok {
		return "unix"
	}
	return "tcp"
}

// check is the misuse check of the calls that take no context: a zero
// Stream, a goroutine that is not the loop's thread, a loop that has
// finished. It changes nothing.
func (s *Stream) check(what string) error {
	switch {
	case s == nil || s.rfd == nil:
		return errNoStream
	case s.loopClosed():
		return fmt.Errorf("streams: %s: %w", what, aio.ErrLoopClosed)
	}
	return s.loop.CheckThread("streams: " + what)
}

// checkCtx is check for the calls that take a context, which must be that
// of a task of the stream's loop that is running now: it returns
// aio.ErrWrongLoop for a task of another loop, and GetRunningLoop's error
// (aio.ErrNoTask, ErrWrongTask, ErrLoopClosed) for a context that is not
// the running task's.
func (s *Stream) checkCtx(ctx context.Context, what string) error {
	if s == nil || s.rfd == nil {
		return errNoStream
	}
	return onLoop(ctx, s.loop, what)
}

// onLoop returns nil if ctx is that of the running task of loop l, and
// otherwise an error saying what was called: aio.ErrWrongLoop for a task of
// another loop, GetRunningLoop's error for a context that is not the
// running task's.
func onLoop(ctx context.Context, l *aio.Loop, what string) error {
	lp, err := aio.GetRunningLoop(ctx)
	switch {
	case err != nil:
		return fmt.Errorf("streams: %s: %w", what, err)
	case lp != l:
		return fmt.Errorf("streams: %s: %w", what, aio.ErrWrongLoop)
	}
	return nil
}

// loopClosed reports whether the stream's loop has finished, and with it
// closed the socket (the FD owns it): after that the socket's number may
// be another file's, which a write must not reach.
func (s *Stream) loopClosed() bool { return s.loop.IsClosed() }

// SocketPair returns two streams connected to each other through a Unix
// socket pair (Python's socket.socketpair handed to open_connection): for
// tests, and for talking to a child of the loop's own.
func SocketPair(ctx context.Context) (*Stream, *Stream, error) {
	if err := checkSupported(); err != nil {
		return nil, nil, err
	}
	fds, err := socketPair()
	if err != nil {
		return nil, nil, err
	}
	a, err := newStream(ctx, fds[0])
	if err != nil {
		closeSocket(fds[1])
		return nil, nil, err
	}
	b, err := newStream(ctx, fds[1])
	if err != nil {
		a.Abort()
		return nil, nil, err
	}
	return a, b, nil
}
