//go:build unix

package streams_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/streams"
)

// An echo server and its client on one loop: the server runs each
// connection as a task of its own group, the client connects, writes a
// line and reads it back.
func Example_echo() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	handler := func(ctx context.Context, s *streams.Stream) error {
		for {
			line, err := s.ReadLine(ctx)
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			s.Write(line)
			if err := s.Drain(ctx); err != nil {
				return err
			}
		}
	}
	_, err = aio.Run(func(ctx context.Context) (struct{}, error) {
		srv := &streams.Server{Handler: handler}
		return struct{}{}, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return srv.Serve(ctx, ln) })
			s, err := streams.Connect(ctx, "tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			defer s.Close()
			for _, msg := range []string{"hello\n", "world\n"} {
				s.Write([]byte(msg))
				line, err := s.ReadLine(ctx)
				if err != nil {
					return err
				}
				fmt.Printf("echo: %q\n", line)
			}
			srv.Close()
			return nil
		})
	})
	fmt.Println("err:", err)
	// Output:
	// echo: "hello\n"
	// echo: "world\n"
	// err: <nil>
}

// TLS is crypto/tls over a stream's net.Conn, inside tasks: the server
// wraps the accepted stream with tls.Server, the client upgrades a plain
// stream after a line of plain text (asyncio's start_tls) with tls.Client.
// The certificate is made here.
func Example_tls() {
	cert, pool, err := selfSigned()
	if err != nil {
		fmt.Println(err)
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	handler := func(ctx context.Context, s *streams.Stream) error {
		// Plain text first, then TLS: the STARTTLS pattern.
		if _, err := s.ReadLine(ctx); err != nil {
			return err
		}
		c := tls.Server(s.Conn(ctx), &tls.Config{Certificates: []tls.Certificate{cert}})
		if err := c.Handshake(); err != nil {
			return err
		}
		buf := make([]byte, 64)
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(c, "secret received: %s", buf[:n])
		c.Close()
		return err
	}
	_, err = aio.Run(func(ctx context.Context) (struct{}, error) {
		srv := &streams.Server{Handler: handler}
		return struct{}{}, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return srv.Serve(ctx, ln) })
			s, err := streams.Connect(ctx, "tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			defer s.Close()
			s.Write([]byte("STARTTLS\n"))
			c := tls.Client(s.Conn(ctx), &tls.Config{RootCAs: pool, ServerName: "localhost"})
			if err := c.Handshake(); err != nil {
				return err
			}
			fmt.Println("TLS version 1.3:", c.ConnectionState().Version == tls.VersionTLS13)
			io.WriteString(c, "swordfish")
			reply, err := io.ReadAll(c)
			if err != nil {
				return err
			}
			fmt.Println(string(reply))
			srv.Close()
			return nil
		})
	})
	fmt.Println("err:", err)
	// Output:
	// TLS version 1.3: true
	// secret received: swordfish
	// err: <nil>
}

// selfSigned makes a certificate for localhost and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
