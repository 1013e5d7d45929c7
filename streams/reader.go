package streams

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// IncompleteReadError is returned when the stream ends before a read got
// what it asked for (asyncio.IncompleteReadError): Partial holds what was
// read, and is no longer buffered. Expected is the number of bytes asked
// for, or -1 when the read was for a separator.
type IncompleteReadError struct {
	Partial  []byte
	Expected int
}

func (e *IncompleteReadError) Error() string {
	expected := "undefined"
	if e.Expected >= 0 {
		expected = fmt.Sprint(e.Expected)
	}
	return fmt.Sprintf("%d bytes read on a total of %s expected bytes", len(e.Partial), expected)
}

// Unwrap makes errors.Is(err, io.ErrUnexpectedEOF) hold.
func (e *IncompleteReadError) Unwrap() error { return io.ErrUnexpectedEOF }

// LimitOverrunError is returned when ReadUntil or ReadLine reaches the
// stream's limit before, or without, finding the separator
// (asyncio.LimitOverrunError). Consumed is the number of bytes to consume
// to go past the problem.
type LimitOverrunError struct {
	Message  string
	Consumed int
}

func (e *LimitOverrunError) Error() string { return e.Message }

// ErrEmptySeparator is ReadUntil's error for an empty separator.
var ErrEmptySeparator = errors.New("streams: separator should be at least one-byte string")

func (s *Stream) buffered() []byte { return s.rbuf[s.roff:] }

// consume takes n buffered bytes. Taking them all hands the buffer over
// rather than copying it: nothing else refers to it.
func (s *Stream) consume(n int) []byte {
	if n > 0 && s.roff+n == len(s.rbuf) {
		out := s.rbuf[s.roff:len(s.rbuf):len(s.rbuf)]
		s.rbuf, s.roff = nil, 0
		return out
	}
	out := bytes.Clone(s.rbuf[s.roff : s.roff+n])
	s.roff += n
	return out
}

// ready brings more data into the buffer, or the end of the stream.
func (s *Stream) ready(ctx context.Context) error {
	if s.closing {
		return ErrClosed
	}
	return s.fill(ctx)
}

// enterRead is the check at the start of every read: checkCtx's, and
// ErrClosed once Close or Abort was called.
func (s *Stream) enterRead(ctx context.Context, what string) error {
	if err := s.checkCtx(ctx, what); err != nil {
		return err
	}
	if s.closing {
		return ErrClosed
	}
	return nil
}

// Read returns up to n bytes (asyncio's read): what is buffered, or if
// nothing is, what the next read of the socket brings. At the end of the
// stream it returns io.EOF (asyncio's b""), every time it is called. n == 0
// returns an empty slice at once, even at the end. n < 0 reads until the
// end of the stream and returns all of it with a nil error; at the end it
// returns an empty slice and nil, every time (asyncio's read(-1) returns
// b"" there too), so a loop of Read(-1) calls must stop on an empty
// result, not on io.EOF. After Close, every read returns ErrClosed.
//
// Cancellation: if ctx is cancelled while Read waits, it returns a
// *CancelledError and nothing was consumed: what came is still buffered.
func (s *Stream) Read(ctx context.Context, n int) ([]byte, error) {
	if err := s.enterRead(ctx, "Stream.Read"); err != nil {
		return nil, err
	}
	if n == 0 {
		return []byte{}, nil
	}
	if n < 0 {
		for !s.eof {
			if err := s.ready(ctx); err != nil {
				return nil, err
			}
		}
		if len(s.buffered()) == 0 {
			return []byte{}, nil
		}
		return s.consume(len(s.buffered())), nil
	}
	for len(s.buffered()) == 0 {
		if s.eof {
			return nil, io.EOF
		}
		if err := s.ready(ctx); err != nil {
			return nil, err
		}
	}
	return s.consume(min(n, len(s.buffered()))), nil
}

// ReadInto reads up to len(p) bytes into p and returns how many it read,
// as Read(ctx, len(p)) would return them but without allocating: what is
// buffered, or if nothing is, what the next read of the socket brings (for
// a p of at least 4 KiB, read straight into p, with no copy). At the end of
// the stream it returns 0, io.EOF; an empty p returns 0, nil at once. It is
// the call for a server that reads into a buffer of its own, as uvloop's
// protocols and Go's net.Conn do; Read is asyncio's, whose result the
// caller owns.
//
// Cancellation: if ctx is cancelled while ReadInto waits, it returns 0 and
// a *CancelledError, and nothing was consumed.
func (s *Stream) ReadInto(ctx context.Context, p []byte) (int, error) {
	if err := s.enterRead(ctx, "Stream.ReadInto"); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	for len(s.buffered()) == 0 {
		if s.eof {
			return 0, io.EOF
		}
		if len(p) >= directRead {
			n, err := s.fillInto(ctx, p)
			if n == 0 && err == nil {
				continue // the end of the stream: s.eof is set
			}
			return n, err
		}
		if err := s.ready(ctx); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.buffered())
	s.roff += n
	return n, nil
}

// directRead is the smallest buffer that ReadInto reads the socket into
// directly; a smaller one is filled from the stream's buffer, so that a
// caller reading a few bytes at a time pays one system call for all that
// the socket has, not one per call.
const directRead = 4 << 10

// ReadExactly reads exactly n bytes (asyncio's readexactly). If the stream
// ends first, it returns an *IncompleteReadError holding what was read
// (which is consumed), and at the end one with an empty Partial, every
// time. n == 0 returns an empty slice at once, even at the end; n < 0 is
// an error (asyncio's ValueError) and consumes nothing.
//
// Cancellation: if ctx is cancelled while ReadExactly waits, it returns a
// *CancelledError and nothing was consumed.
func (s *Stream) ReadExactly(ctx context.Context, n int) ([]byte, error) {
	if err := s.enterRead(ctx, "Stream.ReadExactly"); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("streams: ReadExactly(%d): the size can not be less than zero", n)
	}
	if n == 0 {
		return []byte{}, nil
	}
	for len(s.buffered()) < n {
		if s.eof {
			return nil, &IncompleteReadError{Partial: s.consume(len(s.buffered())), Expected: n}
		}
		if err := s.ready(ctx); err != nil {
			return nil, err
		}
	}
	return s.consume(n), nil
}

// ReadUntil reads up to and including sep (asyncio's readuntil). An empty
// (or nil) sep is an error, ErrEmptySeparator (asyncio's ValueError), and
// consumes nothing.
//
// If the stream ends first, it returns an *IncompleteReadError holding what
// was buffered (which is consumed), and at the end one with an empty
// Partial, every time. If the separator is not found within the stream's
// limit, or is found past it, it returns a *LimitOverrunError and the data
// stays buffered, so that the caller can read it in another way. The
// separator may come in pieces: it is found wherever the socket's reads
// split it. The limit bounds where the separator starts: a chunk of up to
// limit bytes followed by sep is returned whole.
//
// Cancellation: if ctx is cancelled while ReadUntil waits, it returns a
// *CancelledError and nothing was consumed.
func (s *Stream) ReadUntil(ctx context.Context, sep []byte) ([]byte, error) {
	if err := s.enterRead(ctx, "Stream.ReadUntil"); err != nil {
		return nil, err
	}
	if len(sep) == 0 {
		return nil, ErrEmptySeparator
	}
	offset := 0
	for {
		buf := s.buffered()
		if len(buf)-offset >= len(sep) {
			if i := bytes.Index(buf[offset:], sep); i >= 0 {
				isep := offset + i
				if isep > s.limit {
					return nil, &LimitOverrunError{"Separator is found, but chunk is longer than limit", isep}
				}
				return s.consume(isep + len(sep)), nil
			}
			offset = len(buf) + 1 - len(sep)
			if offset > s.limit {
				return nil, &LimitOverrunError{"Separator is not found, and chunk exceed the limit", offset}
			}
		}
		if s.eof {
			return nil, &IncompleteReadError{Partial: s.consume(len(buf)), Expected: -1}
		}
		if err := s.ready(ctx); err != nil {
			return nil, err
		}
	}
}

// ReadLine reads a line, up to and including "\n" (asyncio's readline). At
// the end of the stream it returns the partial line without "\n" (and an
// empty one, with io.EOF, when nothing is left). A line over the limit is
// an error, a *LimitOverrunError, and is dropped: up to and including its
// "\n" if that is buffered, and everything buffered otherwise.
//
// Cancellation: if ctx is cancelled while ReadLine waits, it returns a
// *CancelledError and nothing was consumed.
func (s *Stream) ReadLine(ctx context.Context) ([]byte, error) {
	line, err := s.ReadUntil(ctx, newline)
	var inc *IncompleteReadError
	var over *LimitOverrunError
	switch {
	case errors.As(err, &inc):
		if len(inc.Partial) == 0 {
			return inc.Partial, io.EOF
		}
		return inc.Partial, nil
	case errors.As(err, &over):
		buf := s.buffered()
		if over.Consumed < len(buf) && buf[over.Consumed] == '\n' {
			s.roff += over.Consumed + 1
		} else {
			s.roff = len(s.rbuf)
		}
		return nil, err
	}
	return line, err
}

var newline = []byte{'\n'}

// AtEOF reports whether the stream has ended and everything buffered has
// been read (asyncio's at_eof). It tells what the reads have seen, without
// looking at the socket: it is false before a read met the end, even if
// the peer has closed, and false while data read before the end is
// buffered. On a zero Stream it is false.
func (s *Stream) AtEOF() bool { return s != nil && s.eof && len(s.buffered()) == 0 }
