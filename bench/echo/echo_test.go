package echo

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// startGoNet runs ServeGoNet until the test ends and returns its address.
func startGoNet(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- ServeGoNet(ctx, "127.0.0.1:0", func(a net.Addr) { addrs <- a }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeGoNet: %v", err)
		}
	})
	select {
	case a := <-addrs:
		return a.String()
	case err := <-done:
		t.Fatalf("ServeGoNet: %v", err)
	}
	return ""
}

func TestGoNetEchoesMessagesLargerThanItsBuffer(t *testing.T) {
	addr := startGoNet(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, size := range []int{1, 1 << 10, 3*ReadBufferSize + 7} {
		msg, buf := message(size), make([]byte, size)
		if err := exchange(conn, msg, buf); err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		if !bytes.Equal(msg, buf) {
			t.Fatalf("%d bytes: the echo differs", size)
		}
	}
}

func TestGoNetStopsWithOpenConnections(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- ServeGoNet(ctx, "127.0.0.1:0", func(a net.Addr) { addrs <- a }) }()
	conn, err := net.Dial("tcp", (<-addrs).String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := exchange(conn, message(10), make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("ServeGoNet: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Error("the connection is still open after the server stopped")
	}
}

func TestClientMeasuresTheRateAndTheServersCPU(t *testing.T) {
	addr := startGoNet(t)
	c := Client{Addr: addr, ServerPID: os.Getpid(), Size: 1 << 10, Conns: 3, Warmup: 10 * time.Millisecond, Duration: 50 * time.Millisecond}
	res, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests <= 0 || res.Seconds < 0.05 {
		t.Errorf("%d requests in %g s", res.Requests, res.Seconds)
	}
	if runtime.GOOS == "linux" && (res.ServerUser < 0 || res.ServerSys < 0 || res.ClientUser < 0) {
		t.Errorf("CPU not measured: %+v", res)
	}
	if res.Syscalls != -1 || res.IdleConns != 0 {
		t.Errorf("figures of other modes: %+v", res)
	}
}

func TestClientIdleRunKeepsItsConnectionsOpen(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	addr := startGoNet(t)
	c := Client{Addr: addr, ServerPID: os.Getpid(), Size: 100, Idle: 20}
	res, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.IdleConns != 20 || res.BaseRSSKB <= 0 || res.IdleRSSKB <= 0 {
		t.Errorf("result %+v", res)
	}
}

func TestClientFailsOnAServerThatEchoesSomethingElse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			c.Write(bytes.Repeat([]byte("x"), n))
		}
	}()
	c := Client{Addr: ln.Addr().String(), Size: 64, Conns: 1, Warmup: time.Millisecond, Duration: 10 * time.Millisecond}
	_, err = c.Run(context.Background())
	ln.Close()
	<-done
	if err == nil || !strings.Contains(err.Error(), "something else") {
		t.Errorf("got %v, want the echo check's error", err)
	}
}

func TestServerCommandPrintsItsAddressAndStopsAtEndOfInput(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- ServerCommand([]string{"--kind", GoNet, "--nofile", "64"}, stdinR, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	line, err := readLine(stdoutR)
	if err != nil {
		t.Fatal(err)
	}
	var ready ReadyLine
	if err := json.Unmarshal(line, &ready); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	if ready.PID != os.Getpid() || !strings.HasPrefix(ready.Addr, "127.0.0.1:") {
		t.Errorf("ready line %+v", ready)
	}
	if runtime.GOOS == "linux" && ready.NoFile < 64 {
		t.Errorf("RLIMIT_NOFILE %d after asking for 64", ready.NoFile)
	}
	conn, err := net.Dial("tcp", ready.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := exchange(conn, message(5), make([]byte, 5)); err != nil {
		t.Fatal(err)
	}
	stdinW.Close()
	if c := <-code; c != 0 {
		t.Errorf("exit status %d", c)
	}
	io.Copy(io.Discard, stdoutR)
}

func readLine(r io.Reader) ([]byte, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		if _, err := r.Read(b); err != nil {
			return line, err
		}
		if b[0] == '\n' {
			return line, nil
		}
		line = append(line, b[0])
	}
}

func TestServerCommandExitStatus(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--kind", "no-such-server"}, 2},
		{[]string{}, 2},
		{[]string{"--kind", GoNet, "--nofile", "-1"}, 2},
	} {
		if got := ServerCommand(c.args, strings.NewReader(""), io.Discard, io.Discard); got != c.want {
			t.Errorf("%q: exit status %d, want %d", c.args, got, c.want)
		}
	}
	// Without the aiostreams build tag the aio kinds are not built in.
	for _, kind := range []string{AIOEpoll, AIOPortable} {
		want := ExitNoKind
		if Lookup(kind) != nil {
			continue
		}
		if got := ServerCommand([]string{"--kind", kind}, strings.NewReader(""), io.Discard, io.Discard); got != want {
			t.Errorf("%s: exit status %d, want %d", kind, got, want)
		}
	}
}

func TestRegisterRefusesADuplicate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	Register(GoNet, ServeGoNet)
}

func TestParsePerfAndStrace(t *testing.T) {
	perf := "# started on Wed Dec  2 00:45:04 2026\n\n59696,,raw_syscalls:sys_enter,116979473,100.00,,\nEvents enabled\n"
	if n, err := parsePerf([]byte(perf)); err != nil || n != 59696 {
		t.Errorf("perf: %d, %v", n, err)
	}
	if _, err := parsePerf([]byte("<not counted>,,raw_syscalls:sys_enter,0,100.00,,\n")); err == nil {
		t.Error("perf: <not counted> parsed")
	}
	if n, by, err := parsePerfCalls([]byte(perf + "41,,syscalls:sys_enter_read,1,100.00,,\n0,,syscalls:sys_enter_futex,1,100.00,,\n")); err != nil || n != 59696 || len(by) != 1 || by["read"] != 41 {
		t.Errorf("perf by call: %d, %v, %v", n, by, err)
	}
	strace := `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 60.00    0.000700          35        20           read
100.00    0.001181          40        29         1 total
`
	if n, by, err := parseStrace([]byte(strace)); err != nil || n != 29 || len(by) != 1 || by["read"] != 20 {
		t.Errorf("strace: %d, %v, %v", n, by, err)
	}
	noErrors := "100.00    0.001181          40        29           total\n"
	if n, _, err := parseStrace([]byte(noErrors)); err != nil || n != 29 {
		t.Errorf("strace without errors: %d, %v", n, err)
	}
}

func TestCountersCountASyscallLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs perf or strace")
	}
	tool, why := FindSyscallTool()
	if tool == "" {
		t.Skip(why)
	}
	c, err := startCounter(tool, os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		os.Getppid()
	}
	n, by, err := c.stop()
	if err != nil {
		t.Fatal(err)
	}
	if n < 1000 || by["getppid"] > n {
		t.Errorf("%s counted %d syscalls (%v), want at least 1000", tool, n, by)
	}
}

func TestIdleRunShortOfDescriptorsSaysSo(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("resource limits")
	}
	var stderr bytes.Buffer
	code := ClientCommand([]string{"--addr", "127.0.0.1:1", "--pid", "1", "--idle", "2000000000"}, io.Discard, &stderr)
	if code != ExitNoFiles || !strings.Contains(stderr.String(), "RLIMIT_NOFILE") {
		t.Errorf("exit status %d (%s), want %d", code, stderr.String(), ExitNoFiles)
	}
}
