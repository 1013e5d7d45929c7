package streams

import (
	"context"
	"fmt"

	"github.com/aio-go/aio"
)

// The writer. Write tries the socket at once when nothing is pending, and
// buffers what the socket does not take; a flusher task, started the first
// time something stays buffered and parked while nothing does, writes it
// out when the socket is writable, so that written data goes out whether or
// not anyone drains (asyncio's transport does the same with a writer
// callback). Drain applies backpressure with asyncio's water marks.

func (s *Stream) pending() int { return len(s.wbuf) - s.woff }

// Write buffers p for sending (asyncio's write) and returns len(p): it never
// blocks. It returns ErrClosed after Close or Abort, ErrWriteAfterEOF after
// WriteEOF, and an error wrapping ErrConnectionLost once a write failed,
// and then writes nothing; an empty p writes nothing and returns 0, nil.
// Call Drain to wait while too much is pending.
func (s *Stream) Write(p []byte) (int, error) {
	if err := s.check("Stream.Write"); err != nil {
		return 0, err
	}
	switch {
	case s.closing:
		return 0, ErrClosed
	case s.lost != nil:
		return 0, s.lost
	case s.eofWanted:
		return 0, ErrWriteAfterEOF
	case len(p) == 0:
		return 0, nil
	}
	total := len(p)
	if s.pending() == 0 {
		n, err := s.sysWrite(p)
		if err != nil {
			return 0, s.lost
		}
		p = p[n:]
		if len(p) == 0 {
			return total, nil
		}
	}
	if s.woff > 0 && s.woff == len(s.wbuf) {
		s.wbuf, s.woff = s.wbuf[:0], 0
	}
	s.wbuf = append(s.wbuf, p...)
	if s.pending() > s.high {
		s.paused = true
	}
	if err := s.kick(); err != nil {
		return 0, err
	}
	return total, nil
}

// sysWrite writes p once without blocking; it returns what went out, and
// an error only when the connection is lost (then s.lost is set).
func (s *Stream) sysWrite(p []byte) (int, error) {
	n, err := rawWrite(s.fd, p)
	switch err {
	case nil:
		if n < len(p) {
			s.rfd.ClearWritable() // the socket's buffer is full
		}
		return n, nil
	case errAgain:
		s.rfd.ClearWritable()
		return 0, nil
	}
	s.lose(err)
	return 0, err
}

func (s *Stream) lose(err error) {
	if s.lost == nil {
		s.lost = fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	s.wbuf, s.woff, s.paused = nil, 0, false
	s.drainLot.UnparkAll()
}

// kick makes the flusher write what is pending: it starts it the first
// time, and unparks it after.
func (s *Stream) kick() error {
	if s.flushing {
		s.flushLot.Unpark(1)
		return nil
	}
	s.flushing = true
	if _, err := aio.RunCoroutineThreadsafe(s.loop, s.flush); err != nil {
		s.flushing = false
		s.lose(err)
		return s.lost
	}
	return nil
}

// flush is the flusher task: it writes out what is pending while the socket
// takes it, then does what Close or WriteEOF left for it, then parks until
// kicked again. It ends when the stream closes (or the loop shuts down).
func (s *Stream) flush(ctx context.Context) (struct{}, error) {
	defer func() { s.flushing = false }()
	for !s.closed {
		for s.pending() > 0 && s.lost == nil {
			n, _ := s.sysWrite(s.wbuf[s.woff:])
			s.woff += n
			if s.paused && s.pending() <= s.low {
				s.paused = false
				s.drainLot.UnparkAll()
			}
			if s.pending() > 0 && s.lost == nil {
				if err := s.rfd.WaitWritable(ctx); err != nil {
					return struct{}{}, nil
				}
			}
		}
		if s.pending() == 0 {
			s.wbuf, s.woff = s.wbuf[:0], 0
			s.drainLot.UnparkAll()
		}
		s.afterFlush()
		if s.closed {
			break
		}
		if err := s.flushLot.Park(ctx); err != nil {
			return struct{}{}, nil
		}
	}
	return struct{}{}, nil
}

// afterFlush does what waited for the buffer to empty: the shutdown of
// WriteEOF, the close of Close.
func (s *Stream) afterFlush() {
	if s.pending() > 0 && s.lost == nil {
		return
	}
	if s.eofWanted && !s.eofSent && s.lost == nil && !s.closed {
		s.eofSent = true
		if err := shutdownWrite(s.fd); err != nil {
			s.lose(err)
		}
	}
	if s.closing && !s.closed {
		s.finishClose()
	}
}

// Drain waits until the pending output is down to the low water mark if it
// went over the high one (asyncio's drain); otherwise it returns at once,
// without a switch, as asyncio's does. It parks for as long as the peer
// does not read: backpressure, which a timeout scope around it bounds.
// Once the connection is lost it returns an error wrapping
// ErrConnectionLost, and after Close or Abort, ErrClosed: a Drain waiting
// when the stream is closed returns ErrClosed at once (trio's
// ClosedResourceError), while what is pending still goes out after a
// Close.
//
// Cancellation: if ctx is cancelled while Drain waits, it returns a
// *CancelledError; the pending data stays buffered and is still sent.
func (s *Stream) Drain(ctx context.Context) error {
	if err := s.checkCtx(ctx, "Stream.Drain"); err != nil {
		return err
	}
	for {
		switch {
		case s.lost != nil:
			return s.lost
		case s.closing:
			return ErrClosed
		case !s.paused:
			return nil
		}
		if err := s.drainLot.Park(ctx); err != nil {
			return err
		}
	}
}

// flushAll waits until nothing is pending: a blocking Write's wait.
func (s *Stream) flushAll(ctx context.Context) error {
	for {
		switch {
		case s.lost != nil:
			return s.lost
		case s.pending() == 0:
			return nil
		case s.closing:
			return ErrClosed
		}
		if err := s.drainLot.Park(ctx); err != nil {
			return err
		}
	}
}

// WriteEOF closes the write side of the socket once what is pending has
// gone out (asyncio's write_eof; a TCP FIN): the peer reads the end of the
// stream, and this side can still read. Writes after it fail with
// ErrWriteAfterEOF. Calling it again does nothing; after Close or Abort it
// returns ErrClosed.
func (s *Stream) WriteEOF() error {
	if err := s.check("Stream.WriteEOF"); err != nil {
		return err
	}
	if s.closing {
		return ErrClosed
	}
	if s.eofWanted {
		return nil
	}
	s.eofWanted = true
	if s.pending() == 0 {
		s.afterFlush()
		return s.lostOrNil()
	}
	return s.kick()
}

func (s *Stream) lostOrNil() error {
	if s.lost != nil {
		return s.lost
	}
	return nil
}

// CanWriteEOF reports whether WriteEOF is supported: always, for TCP and
// Unix streams.
func (s *Stream) CanWriteEOF() bool { return true }

// Close closes the stream (asyncio's close): reads, writes and Drain fail
// with ErrClosed from now on (the tasks waiting in a read or a Drain get it
// at once too), and the socket closes once what is pending has gone out,
// however long the peer takes to read it. WaitClosed waits for that; Abort
// closes at once. Closing twice is fine: the second does nothing. From a
// goroutine that is not the loop's thread it changes nothing and returns
// an error wrapping aio.ErrWrongTask. After the loop has finished (which
// closed the socket) it returns nil.
func (s *Stream) Close() error {
	if s != nil && s.rfd != nil && s.loopClosed() {
		s.closing, s.closed = true, true
		return nil
	}
	if err := s.check("Stream.Close"); err != nil {
		return err
	}
	if s.closing {
		return nil
	}
	s.closing = true
	s.drainLot.UnparkAll()
	if s.pending() > 0 && s.lost == nil {
		// Reads fail now; the flusher closes the socket when done. A
		// reader waiting for the socket is woken by the end of the read
		// side, which the peer does not see.
		s.rerr = ErrClosed
		s.rbuf, s.roff = nil, 0
		if s.readWaiting {
			shutdownRead(s.fd)
		}
		if err := s.kick(); err != nil {
			s.finishClose() // no flusher can run: the loop is ending
			return err
		}
		return nil
	}
	s.finishClose()
	return nil
}

// Abort closes the stream at once, dropping what is pending (asyncio's
// transport.abort). Calling it again, or after Close, is fine; on a zero
// Stream, or after the loop has finished, it does nothing. From a
// goroutine that is not the loop's thread it panics, as the kernel's
// methods without an error do, and changes nothing.
func (s *Stream) Abort() {
	if s == nil || s.rfd == nil {
		return
	}
	if s.loopClosed() {
		s.closing, s.closed = true, true
		return
	}
	if err := s.loop.CheckThread("streams: Stream.Abort"); err != nil {
		panic(err.Error())
	}
	s.closing = true
	s.wbuf, s.woff = nil, 0
	if !s.closed {
		s.finishClose()
	}
}

func (s *Stream) finishClose() {
	s.closed = true
	s.rfd.Close() // which closes the socket: the FD owns it
	s.rbuf, s.roff = nil, 0
	s.flushLot.UnparkAll()
	s.drainLot.UnparkAll()
	s.closedEvent.Set()
}

// IsClosing reports whether Close or Abort was called.
func (s *Stream) IsClosing() bool { return s != nil && s.closing }

// WaitClosed waits until the socket is closed after Close (asyncio's
// wait_closed); it returns at once if it is. Any number of tasks may wait,
// and wait again. It waits for as long as the pending data takes to go out
// (forever if the peer never reads): bound it with a timeout scope, or
// Abort.
//
// Cancellation: if ctx is cancelled, WaitClosed returns a *CancelledError;
// the close goes on.
func (s *Stream) WaitClosed(ctx context.Context) error {
	if err := s.checkCtx(ctx, "Stream.WaitClosed"); err != nil {
		return err
	}
	return s.closedEvent.Wait(ctx)
}
