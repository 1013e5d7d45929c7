//go:build !linux

package harness

func syscallNanos() (getppid, epollWait float64) { return 0, 0 }

func syscallUserNanos() float64 { return 0 }
