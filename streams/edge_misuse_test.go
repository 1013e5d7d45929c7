//go:build unix

package streams_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// Misuse, the kernel's way (misuse.go): a zero value, a goroutine that is
// not the loop's thread, a task of another loop, a loop that has finished.
// Each is an error that says what was called and changes nothing, or, for
// Abort, which returns none, a panic; none reaches a socket.

// streamCalls makes every call of a Stream once, with ctx, and returns
// their errors by name.
func streamCalls(ctx context.Context, s *streams.Stream) map[string]error {
	errs := map[string]error{}
	_, errs["Read"] = s.Read(ctx, 1)
	_, errs["ReadInto"] = s.ReadInto(ctx, make([]byte, 8))
	_, errs["ReadExactly"] = s.ReadExactly(ctx, 1)
	_, errs["ReadUntil"] = s.ReadUntil(ctx, []byte("!"))
	_, errs["ReadLine"] = s.ReadLine(ctx)
	_, errs["Write"] = s.Write([]byte("x"))
	errs["WriteEOF"] = s.WriteEOF()
	errs["Drain"] = s.Drain(ctx)
	errs["WaitClosed"] = s.WaitClosed(ctx)
	errs["SetLimit"] = s.SetLimit(10)
	errs["SetWriteBufferLimits"] = s.SetWriteBufferLimits(10, 1)
	_, errs["Conn.Read"] = s.Conn(ctx).Read(make([]byte, 8))
	_, errs["Conn.Write"] = s.Conn(ctx).Write([]byte("x"))
	errs["Close"] = s.Close()
	return errs
}

func TestAZeroOrNilStreamReturnsErrorsAndNeverPanics(t *testing.T) {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		var zero streams.Stream
		for name, s := range map[string]*streams.Stream{"zero": &zero, "nil": nil} {
			for call, err := range streamCalls(ctx, s) {
				if err == nil || !strings.Contains(err.Error(), "has no socket") {
					t.Errorf("%s Stream: %s = %v, want the no-socket error", name, call, err)
				}
			}
			s.Abort()
			if s.AtEOF() || s.IsClosing() {
				t.Errorf("%s Stream: AtEOF %v, IsClosing %v; want false", name, s.AtEOF(), s.IsClosing())
			}
		}
		var d streams.Datagram
		buf := make([]byte, 8)
		for call, err := range map[string]error{
			"SendTo": d.SendTo(ctx, buf, netip.MustParseAddrPort("127.0.0.1:9")),
			"Send":   d.Send(ctx, buf),
			"Recv":   func() error { _, err := d.Recv(ctx, buf); return err }(),
			"Close":  d.Close(),
		} {
			if err == nil || !strings.Contains(err.Error(), "has no socket") {
				t.Errorf("zero Datagram: %s = %v, want the no-socket error", call, err)
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStreamCallsWithoutARunningTaskAreRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			b.Write([]byte("kept"))
			for call, err := range map[string]error{
				"Read(nil ctx)":                func() error { _, err := a.Read(nil, 1); return err }(),
				"Read(context.Background())":   func() error { _, err := a.Read(context.Background(), 1); return err }(),
				"Drain(context.Background())":  a.Drain(context.Background()),
				"ReadLine(context.Background)": func() error { _, err := a.ReadLine(context.Background()); return err }(),
			} {
				if !errors.Is(err, aio.ErrNoTask) {
					t.Errorf("%s = %v, want aio.ErrNoTask", call, err)
				}
			}
			if p, err := a.Read(ctx, 10); string(p) != "kept" || err != nil {
				t.Errorf("Read after the refused ones = %q, %v: they consumed something", p, err)
			}
			return nil
		})
	})
}

// onGoroutine runs fn on a new goroutine and waits for it, holding the
// loop's thread meanwhile (no task runs while fn does); a panic of fn is
// returned as an error.
func onGoroutine(fn func()) (panicked error) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				panicked = fmt.Errorf("%v", v)
			}
		}()
		fn()
	}()
	<-done
	return panicked
}

func TestStreamCallsFromAnotherGoroutineAreRefusedAndChangeNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			var errs map[string]error
			p := onGoroutine(func() { errs = streamCalls(ctx, a) })
			if p != nil {
				t.Fatalf("a call from another goroutine panicked: %v", p)
			}
			for call, err := range errs {
				if !errors.Is(err, aio.ErrWrongTask) {
					t.Errorf("%s from another goroutine = %v, want aio.ErrWrongTask", call, err)
				}
			}
			p = onGoroutine(a.Abort)
			if p == nil || !strings.Contains(p.Error(), "streams: Stream.Abort") {
				t.Errorf("Abort from another goroutine panicked with %v, want a streams: Stream.Abort misuse", p)
			}
			// Nothing changed: the stream is open and works.
			if a.IsClosing() {
				t.Fatal("the refused Close or Abort closed the stream")
			}
			if _, err := a.Write([]byte("ping")); err != nil {
				return err
			}
			if got, err := b.ReadExactly(ctx, 4); string(got) != "ping" || err != nil {
				t.Errorf("after the refused calls the peer read %q, %v; want ping (and nothing written by them)", got, err)
			}
			return nil
		})
	})
}

func TestStreamCallsFromATaskOfAnotherLoopAreRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		return withPair(ctx, func(a, b *streams.Stream) error {
			var errs map[string]error
			var runErr error
			p := onGoroutine(func() {
				_, runErr = aio.Run(func(other context.Context) (struct{}, error) {
					errs = streamCalls(other, a)
					return struct{}{}, nil
				})
			})
			if p != nil || runErr != nil {
				t.Fatalf("the other loop: panic %v, error %v", p, runErr)
			}
			for call, err := range errs {
				want := aio.ErrWrongLoop
				if call == "Write" || call == "WriteEOF" || call == "Close" || strings.HasPrefix(call, "Set") || call == "Conn.Write" {
					want = aio.ErrWrongTask // no context to tell the loop by
				}
				if !errors.Is(err, want) {
					t.Errorf("%s from a task of another loop = %v, want %v", call, err, want)
				}
			}
			if a.IsClosing() {
				t.Error("the refused Close closed the stream")
			}
			return nil
		})
	})
}

func TestAStreamUsedAfterItsLoopHasFinishedFailsAndWritesNoStranger(t *testing.T) {
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			var a, b *streams.Stream
			var d *streams.Datagram
			var dead context.Context
			_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
				var err error
				if a, b, err = streams.SocketPair(ctx); err != nil {
					return struct{}{}, err
				}
				if d, err = streams.ListenUDP(ctx, "udp4", "127.0.0.1:0"); err != nil {
					return struct{}{}, err
				}
				dead = ctx
				return struct{}{}, nil
			}, bk.opts...)
			if err != nil {
				t.Fatal(err)
			}
			// The loop closed the sockets: their numbers are free, and
			// the next files opened likely get them.
			var strangers []*os.File
			for i := range 3 {
				f, err := os.Create(filepath.Join(t.TempDir(), fmt.Sprint("stranger", i)))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				strangers = append(strangers, f)
			}
			if _, err := a.Write([]byte("leak")); !errors.Is(err, aio.ErrLoopClosed) {
				t.Errorf("Write after the loop finished = %v, want aio.ErrLoopClosed", err)
			}
			if err := b.WriteEOF(); !errors.Is(err, aio.ErrLoopClosed) {
				t.Errorf("WriteEOF after the loop finished = %v, want aio.ErrLoopClosed", err)
			}
			if _, err := a.Read(dead, 1); !errors.Is(err, aio.ErrLoopClosed) {
				t.Errorf("Read after the loop finished = %v, want aio.ErrLoopClosed", err)
			}
			if err := d.SendTo(dead, []byte("leak"), d.LocalAddr()); !errors.Is(err, aio.ErrLoopClosed) {
				t.Errorf("SendTo after the loop finished = %v, want aio.ErrLoopClosed", err)
			}
			if _, _, err := d.RecvFrom(dead, make([]byte, 8)); !errors.Is(err, aio.ErrLoopClosed) {
				t.Errorf("RecvFrom after the loop finished = %v, want aio.ErrLoopClosed", err)
			}
			a.Abort()
			for name, err := range map[string]error{"Stream.Close": b.Close(), "Datagram.Close": d.Close()} {
				if err != nil {
					t.Errorf("%s after the loop finished = %v, want nil", name, err)
				}
			}
			for _, f := range strangers {
				if st, err := f.Stat(); err != nil || st.Size() != 0 {
					t.Errorf("a file opened after the loop finished holds %d bytes, %v: a stream wrote to it", st.Size(), err)
				}
			}
		})
	}
}

func TestDatagramCallsFromAnotherGoroutineAreRefusedAndChangeNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		d, err := streams.ListenUDP(ctx, "udp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer d.Close()
		var errs map[string]error
		onGoroutine(func() {
			errs = map[string]error{
				"SendTo":   d.SendTo(ctx, []byte("x"), d.LocalAddr()),
				"RecvFrom": func() error { _, _, err := d.RecvFrom(ctx, make([]byte, 8)); return err }(),
				"Close":    d.Close(),
			}
		})
		for call, err := range errs {
			if !errors.Is(err, aio.ErrWrongTask) {
				t.Errorf("%s from another goroutine = %v, want aio.ErrWrongTask", call, err)
			}
		}
		// Still open: a datagram to itself comes back.
		if err := d.SendTo(ctx, []byte("self"), d.LocalAddr()); err != nil {
			return err
		}
		buf := make([]byte, 8)
		if n, _, err := d.RecvFrom(ctx, buf); string(buf[:n]) != "self" || err != nil {
			t.Errorf("after the refused calls RecvFrom = %q, %v", buf[:n], err)
		}
		return nil
	})
}
