package streams

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"time"

	"github.com/aio-go/aio"
)

// Conn returns the stream as a net.Conn whose blocking calls park the task
// of ctx instead of the loop's thread, so that Go code written for
// blocking I/O (bufio, encoding/json, crypto/tls) runs inside that task:
// Read returns what is buffered or waits for the next data, Write returns
// once everything is written (or the connection is lost), Close closes the
// stream. Its deadlines are loop time: a read or write past its deadline
// fails with an error for which errors.Is(err, os.ErrDeadlineExceeded)
// holds and whose Timeout() reports true, as net's. Call its methods from
// the task of ctx only; from another task they fail with aio.ErrWrongTask.
//
// Cancellation: a Read or Write cancelled through ctx returns the
// *CancelledError; nothing read is lost (it stays buffered), and what a
// Write buffered still goes out.
func (s *Stream) Conn(ctx context.Context) net.Conn { return &conn{s: s, ctx: ctx} }

type conn struct {
	s        *Stream
	ctx      context.Context
	rdl, wdl time.Time
}

func (c *conn) Read(p []byte) (int, error) {
	s := c.s
	if c.rdl.IsZero() {
		return s.ReadInto(c.ctx, p)
	}
	if err := s.enterRead(c.ctx, "Conn.Read"); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	for len(s.buffered()) == 0 {
		if s.eof {
			return 0, io.EOF
		}
		if err := c.within(c.rdl, s.ready); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.buffered())
	s.roff += n
	return n, nil
}

func (c *conn) Write(p []byte) (int, error) {
	n, err := c.s.Write(p)
	if err != nil {
		return n, err
	}
	if err := c.within(c.wdl, c.s.flushAll); err != nil {
		return 0, err
	}
	return n, nil
}

// within runs fn under the deadline dl (none if zero).
func (c *conn) within(dl time.Time, fn func(context.Context) error) error {
	if dl.IsZero() {
		return fn(c.ctx)
	}
	if !aio.Now(c.ctx).Before(dl) {
		return errDeadline
	}
	var inner error
	err := aio.TimeoutAt(c.ctx, dl, func(ctx context.Context, _ *aio.Scope) error {
		inner = fn(ctx)
		return inner
	})
	if errors.Is(err, aio.ErrTimeout) && inner != nil {
		return errDeadline
	}
	return err
}

// deadlineError is net's timeout error: os.ErrDeadlineExceeded, with
// Timeout.
type deadlineError struct{}

func (deadlineError) Error() string   { return "i/o timeout" }
func (deadlineError) Timeout() bool   { return true }
func (deadlineError) Temporary() bool { return true }
func (deadlineError) Is(err error) bool {
	return err == os.ErrDeadlineExceeded
}

var errDeadline error = deadlineError{}

func (c *conn) Close() error         { return c.s.Close() }
func (c *conn) LocalAddr() net.Addr  { return c.s.local }
func (c *conn) RemoteAddr() net.Addr { return c.s.peer }

func (c *conn) SetDeadline(t time.Time) error {
	c.rdl, c.wdl = t, t
	return nil
}
func (c *conn) SetReadDeadline(t time.Time) error  { c.rdl = t; return nil }
func (c *conn) SetWriteDeadline(t time.Time) error { c.wdl = t; return nil }

// CloseWrite closes the write side, as a *net.TCPConn's: crypto/tls and
// io.Copy users look for it.
func (c *conn) CloseWrite() error { return c.s.WriteEOF() }
