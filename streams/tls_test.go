//go:build unix

package streams_test

import (
	"context"
	"crypto/tls"
	"io"
	"testing"

	"github.com/aio-go/aio/streams"
)

// TestTLSClientServerAndUpgradeOnEveryBackend: crypto/tls over streams,
// the server side, the client side, and the upgrade of a stream that
// exchanged plain text first (asyncio's start_tls).
func TestTLSClientServerAndUpgradeOnEveryBackend(t *testing.T) {
	cert, pool, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, ctx context.Context) error {
		handler := func(ctx context.Context, s *streams.Stream) error {
			line, err := s.ReadLine(ctx)
			if err != nil || string(line) != "STARTTLS\n" {
				return err
			}
			c := tls.Server(s.Conn(ctx), &tls.Config{Certificates: []tls.Certificate{cert}})
			defer c.Close()
			_, err = io.Copy(c, c)
			return err
		}
		return withServer(ctx, t, handler, func(ctx context.Context, addr string) error {
			s := connect(ctx, t, addr)
			defer s.Close()
			s.Write([]byte("STARTTLS\n"))
			c := tls.Client(s.Conn(ctx), &tls.Config{RootCAs: pool, ServerName: "localhost"})
			msg := make([]byte, 200_000)
			for i := range msg {
				msg[i] = byte(i)
			}
			if _, err := c.Write(msg); err != nil {
				return err
			}
			if err := c.CloseWrite(); err != nil {
				return err
			}
			got, err := io.ReadAll(c)
			if err != nil {
				return err
			}
			if string(got) != string(msg) {
				t.Errorf("TLS echo of %d bytes came back as %d", len(msg), len(got))
			}
			return nil
		})
	})
}
