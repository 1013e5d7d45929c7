//go:build unix

package workloads

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// peakRSS returns the process's peak resident set size in KB, getrusage's
// ru_maxrss (which Linux reports in KB and macOS in bytes), or the resident
// set size now if that is more: Linux counts resident pages per thread and
// adds them up lazily, so the two readings can disagree by a few hundred KB,
// and a peak read just after currentRSS could otherwise come out below it.
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	kb := int64(ru.Maxrss)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		kb /= 1024
	}
	return max(kb, currentRSS())
}

// currentRSS returns the process's resident set size in KB now, from
// /proc/self/statm (its second field, in pages), or 0 where there is none.
func currentRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize()) / 1024
}
