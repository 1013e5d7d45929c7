//go:build !unix

package workloads

// The memory figures are 0 where getrusage and /proc are missing.

func peakRSS() int64    { return 0 }
func currentRSS() int64 { return 0 }
