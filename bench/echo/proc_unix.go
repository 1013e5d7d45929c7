//go:build unix

package echo

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// RaiseNoFile raises the process's RLIMIT_NOFILE soft limit to at least
// want descriptors where it is allowed to: up to the hard limit, and past it
// when the process may raise the hard limit too (root). It returns the soft
// limit in effect afterwards, 0 if it cannot be read. Go already raises the
// soft limit to the hard one at start-up; the Python servers do the same as
// this.
func RaiseNoFile(want int) int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	if uint64(want) > rl.Cur {
		try := syscall.Rlimit{Cur: max(rl.Cur, uint64(want)), Max: max(rl.Max, uint64(want))}
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &try) != nil && rl.Cur < rl.Max {
			try = syscall.Rlimit{Cur: rl.Max, Max: rl.Max}
			syscall.Setrlimit(syscall.RLIMIT_NOFILE, &try)
		}
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
	return int(min(rl.Cur, 1<<31-1))
}

// userHZ is the unit of the CPU times in /proc/<pid>/stat: USER_HZ, 100 on
// every Linux architecture Go runs on.
const userHZ = 100

// ProcCPU returns the user and system CPU time that the process pid (all
// its threads) has used so far, in seconds, from /proc/<pid>/stat (fields
// 14 and 15, in clock ticks of 10 ms). It fails where there is no /proc.
func ProcCPU(pid int) (user, sys float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, 0, errors.New("echo: malformed /proc stat")
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, 0, errors.New("echo: short /proc stat")
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	s, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, err
	}
	return float64(u) / userHZ, float64(s) / userHZ, nil
}

// ProcRSS returns the resident set size of the process pid in KB, from
// /proc/<pid>/statm.
func ProcRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, errors.New("echo: short /proc statm")
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, err
	}
	return pages * int64(os.Getpagesize()) / 1024, nil
}

// selfCPU returns this process's user and system CPU time in seconds.
func selfCPU() (user, sys float64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime), tv(ru.Stime)
}

// haveProc reports whether /proc describes processes here (Linux).
func haveProc() bool { return runtime.GOOS == "linux" }
