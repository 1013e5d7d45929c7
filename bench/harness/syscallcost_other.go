//go:build !linux

package harness

// syscallMicros is measured on Linux only.
func syscallMicros() (getppid, epollWait float64) { return 0, 0 }
