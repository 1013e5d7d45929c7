//go:build !unix

package harness

func pageFaultMicros() float64 { return 0 }
