package aio

import "os"

// stopSignals are the signals that WithSignals handles: Plan 9 delivers an
// interrupt note, and has no SIGTERM.
var stopSignals = []os.Signal{os.Interrupt}

// signalNumber is s's number, for the exit status: an interrupt's is 2, as
// SIGINT's elsewhere.
func signalNumber(s os.Signal) int {
	if s == os.Interrupt {
		return 2
	}
	return 0
}
