//go:build !plan9

package aio

import (
	"os"
	"syscall"
)

// stopSignals are the signals that WithSignals handles.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// signalNumber is s's number, for the exit status; 0 if it has none.
func signalNumber(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return int(n)
	}
	return 0
}
