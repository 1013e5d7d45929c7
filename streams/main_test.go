//go:build unix

package streams_test

import (
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/aio-go/aio/internal/leakcheck"
)

// TestMain checks for leaked goroutines and for leaked file descriptors:
// every test closes what it opened, and so do the loops (their epoll
// instances and eventfds).
func TestMain(m *testing.M) {
	// Open Go's own poller first, so that its descriptors are in the count.
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
	}
	before := openFDs()
	code := m.Run()
	if code == 0 {
		if after := openFDs(); len(after) > len(before) {
			fmt.Fprintf(os.Stderr, "fd leak: %d descriptors open after the tests, %d before: %v, before %v\n", len(after), len(before), after, before)
			code = 1
		}
	}
	if code == 0 {
		if err := leakcheck.Check(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// openFDs lists the process's open descriptors and what they are.
func openFDs() []string {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil
	}
	var fds []string
	for _, e := range ents {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		fds = append(fds, e.Name()+"="+target)
	}
	return fds
}
