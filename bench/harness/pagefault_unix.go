//go:build unix

package harness

import (
	"syscall"
	"time"
)

// pageFaultMicros maps 64 MiB of fresh anonymous memory, writes one byte
// per 4 KiB page and returns the time per page in microseconds: the price of
// memory that a process touches for the first time. On most machines it is
// a fraction of a microsecond; in some virtual machines it is tens.
func pageFaultMicros() float64 {
	const size, page = 64 << 20, 4096
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return 0
	}
	defer syscall.Munmap(b)
	start := time.Now()
	for i := 0; i < size; i += page {
		b[i] = 1
	}
	return float64(time.Since(start).Nanoseconds()) / 1e3 / (size / page)
}
