package streamtest

import (
	"context"
	"io"
	"math"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// Stream is what the conformance check drives: the part of *streams.Stream
// that every two-way byte stream has. *streams.Stream and *MemoryStream
// implement it.
type Stream interface {
	// Read returns up to n bytes, waiting for some; io.EOF at the end,
	// every time. n == 0 returns an empty slice at once; n < 0 waits for
	// the end and returns everything (an empty slice at the end).
	Read(ctx context.Context, n int) ([]byte, error)
	// Write buffers p without blocking.
	Write(p []byte) (int, error)
	// Drain waits while too much written is not yet taken.
	Drain(ctx context.Context) error
	// WriteEOF ends this direction once what is written has been read.
	WriteEOF() error
	// Close closes this end.
	Close() error
}

var (
	_ Stream = (*streams.Stream)(nil)
	_ Stream = (*MemoryStream)(nil)
)

// Hooks inject faults into what an end of a memory pair reads.
type Hooks struct {
	// Delay is slept (loop time) before each read that returns data.
	Delay time.Duration
	// MaxRead bounds the bytes one read returns (short reads); 0 means no
	// bound.
	MaxRead int
	// ResetAfter makes reads fail with syscall.ECONNRESET (on Plan 9, which
	// has none, an error of the same text) once that many bytes have been
	// read; 0 means never.
	ResetAfter int
}

// highWater is the unread data over which Drain waits.
const highWater = 64 << 10

// pipe is one direction of a pair.
type pipe struct {
	buf     []byte
	eof     bool // the writer called WriteEOF or Close
	readers aio.ParkingLot
	writers aio.ParkingLot
}

// MemoryStream is one end of an in-memory stream pair on the loop.
type MemoryStream struct {
	in, out *pipe
	hooks   Hooks
	read    int // bytes read so far, for ResetAfter
	closed  bool
	peer    *MemoryStream
}

// Pair returns the two ends of an in-memory stream; hooks[0] applies to
// the first end's reads, hooks[1] to the second's.
func Pair(hooks ...Hooks) (*MemoryStream, *MemoryStream) {
	var h [2]Hooks
	copy(h[:], hooks)
	ab, ba := &pipe{}, &pipe{}
	a := &MemoryStream{in: ba, out: ab, hooks: h[0]}
	b := &MemoryStream{in: ab, out: ba, hooks: h[1]}
	a.peer, b.peer = b, a
	return a, b
}

// Read returns up to n bytes once some are there, and io.EOF at the end,
// as streams.Stream.Read does: n == 0 returns an empty slice at once, and
// n < 0 waits for the end of the stream and returns everything (an empty
// slice at the end, with a nil error). A read of everything is made of
// reads of what is there, to which the hooks apply: each is delayed, and a
// reset fails it.
//
// Cancellation: if ctx is cancelled while Read waits, it returns a
// *CancelledError and nothing was consumed (but for a read of everything
// cancelled in a Delay, which has consumed the reads before it).
func (m *MemoryStream) Read(ctx context.Context, n int) ([]byte, error) {
	if n < 0 {
		return m.readAll(ctx)
	}
	for {
		switch {
		case m.closed:
			return nil, streams.ErrClosed
		case m.hooks.ResetAfter > 0 && m.read >= m.hooks.ResetAfter:
			return nil, errReset
		case n == 0:
			return []byte{}, nil
		case len(m.in.buf) > 0:
			if m.hooks.Delay > 0 {
				if err := aio.Sleep(ctx, m.hooks.Delay); err != nil {
					return nil, err
				}
				if m.closed || len(m.in.buf) == 0 {
					continue
				}
			}
			k := min(n, len(m.in.buf))
			if m.hooks.MaxRead > 0 {
				k = min(k, m.hooks.MaxRead)
			}
			if m.hooks.ResetAfter > 0 {
				k = min(k, m.hooks.ResetAfter-m.read)
			}
			out := append([]byte(nil), m.in.buf[:k]...)
			m.in.buf = m.in.buf[k:]
			m.read += k
			m.in.writers.UnparkAll()
			return out, nil
		case m.in.eof:
			return nil, io.EOF
		}
		if err := m.in.readers.Park(ctx); err != nil {
			return nil, err
		}
	}
}

// readAll is Read(ctx, -1): it waits for the end without consuming, then
// reads what is there until the end.
func (m *MemoryStream) readAll(ctx context.Context) ([]byte, error) {
	for !m.in.eof && !m.closed && !(m.hooks.ResetAfter > 0 && m.read+len(m.in.buf) >= m.hooks.ResetAfter) {
		if err := m.in.readers.Park(ctx); err != nil {
			return nil, err
		}
	}
	all := []byte{}
	for {
		p, err := m.Read(ctx, math.MaxInt)
		switch {
		case err == io.EOF:
			return all, nil
		case err != nil:
			return nil, err
		}
		all = append(all, p...)
	}
}

// Write appends p for the other end; it never blocks.
func (m *MemoryStream) Write(p []byte) (int, error) {
	switch {
	case m.closed:
		return 0, streams.ErrClosed
	case m.out.eof:
		return 0, streams.ErrWriteAfterEOF
	case m.peer.closed:
		return 0, streams.ErrConnectionLost
	}
	m.out.buf = append(m.out.buf, p...)
	m.out.readers.UnparkAll()
	return len(p), nil
}

// Drain waits while more than 64 KiB written is unread.
//
// Cancellation: if ctx is cancelled while Drain waits, it returns a
// *CancelledError; what was written stays for the other end.
func (m *MemoryStream) Drain(ctx context.Context) error {
	for {
		switch {
		case m.closed:
			return streams.ErrClosed
		case m.peer.closed:
			return streams.ErrConnectionLost
		case len(m.out.buf) <= highWater:
			return nil
		}
		if err := m.out.writers.Park(ctx); err != nil {
			return err
		}
	}
}

// WriteEOF makes the other end read io.EOF after what was written.
func (m *MemoryStream) WriteEOF() error {
	if m.closed {
		return streams.ErrClosed
	}
	m.out.eof = true
	m.out.readers.UnparkAll()
	return nil
}

// Close closes this end: its reads and writes fail with streams.ErrClosed,
// a pending read too, and the other end reads io.EOF. Closing twice is
// fine.
func (m *MemoryStream) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	m.out.eof = true
	m.in.buf = nil
	m.out.readers.UnparkAll()
	m.in.readers.UnparkAll()
	m.in.writers.UnparkAll()
	m.out.writers.UnparkAll()
	return nil
}
