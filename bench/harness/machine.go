package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Machine describes where the run took place.
type Machine struct {
	CPU    string // model name
	Cores  int    // logical CPUs
	Memory string // total RAM
	OS     string // distribution and kernel
	Go     string // the harness's (and the Go worker's) Go version
	// PageFault is the cost of the first touch of a fresh 4 KiB page in
	// microseconds (0 if unmeasured): it bounds the workloads that allocate
	// a million tasks, in every runtime.
	PageFault float64
	// Syscall is the cost of getppid(2), the cheapest syscall, and
	// EpollWait that of epoll_wait(2) with a timeout of 0 on an empty set,
	// in nanoseconds (0 if unmeasured): with the syscalls per operation
	// that the report counts, they say how much of an operation's time is
	// the kernel's entry and exit.
	Syscall, EpollWait float64
	// SyscallUser is the user CPU time charged to one getppid(2), in
	// nanoseconds (0 if unmeasured): on a machine whose syscalls trap to
	// a hypervisor it is a large share of Syscall, and every syscall of a
	// server then shows in its user time per request too.
	SyscallUser float64
}

func readMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), CPU: "unknown", Memory: "unknown", OS: runtime.GOOS + "/" + runtime.GOARCH}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		if kb, err := strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64); err == nil {
			m.Memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
		}
	}
	if name := osRelease(); name != "" {
		m.OS = name
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", Linux " + strings.TrimSpace(string(b))
	}
	m.OS += " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
	m.PageFault = pageFaultMicros()
	m.Syscall, m.EpollWait = syscallNanos()
	m.SyscallUser = syscallUserNanos()
	return m
}

// procField returns the value of the first "key : value" line of a /proc
// file, or "".
func procField(path, key string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func osRelease() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
