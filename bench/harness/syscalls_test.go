package harness

import (
	"bytes"
	"strings"
	"testing"
)

const perfOutput = `# started on Wed Dec  2 00:47:31 2026

22040,,raw_syscalls:sys_enter,287581415,100.00,,
`

const straceOutput = `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 78.79    0.100425           5     20010           epoll_wait
  6.80    0.008668          11       775        72 newfstatat
  0.11    0.000137          11        12           futex
------ ----------- ----------- --------- --------- ----------------
100.00    0.127460           6     20797       185 total
`

func TestParseTheCountersOutput(t *testing.T) {
	c, err := parsePerf([]byte(perfOutput))
	if err != nil || c.total != 22040 {
		t.Errorf("perf: %+v, %v; want 22040", c, err)
	}
	if _, err := parsePerf([]byte("# started\n\n<not counted>,,raw_syscalls:sys_enter,0,100.00,,\n")); err == nil {
		t.Error("perf: a count from <not counted>")
	}
	c, err = parseStrace([]byte(straceOutput))
	if err != nil || c.total != 20797 || c.byName["epoll_wait"] != 20010 || c.byName["newfstatat"] != 775 || c.byName["futex"] != 12 {
		t.Errorf("strace: %+v, %v", c, err)
	}
	if _, err := parseStrace([]byte("strace: exec: No such file or directory\n")); err == nil {
		t.Error("strace: a count without a table")
	}
}

// TestSyscallsPerOpAreTheDifferenceOfTwoRuns checks the arithmetic of the
// two counting runs: the base run's syscalls are the process's start, the
// rest is the operations'; noise below zero is zero.
func TestSyscallsPerOpAreTheDifferenceOfTwoRuns(t *testing.T) {
	n := syscallCounts{total: 20797, byName: map[string]int64{"epoll_wait": 20010, "futex": 12, "read": 300}}
	base := syscallCounts{total: 790, byName: map[string]int64{"epoll_wait": 10, "futex": 12, "read": 299}}
	c := perOpCounts(n, base, 20000)
	if c.PerOp != (20797-790)/20000.0 {
		t.Errorf("per op %v", c.PerOp)
	}
	if len(c.Top) != 1 || c.Top[0] != (NamedCount{"epoll_wait", 1}) {
		t.Errorf("top %+v, want epoll_wait 1 alone (the others are below 0.01 per op)", c.Top)
	}
	if c := perOpCounts(syscallCounts{total: 285}, syscallCounts{total: 293}, 20000); c.PerOp != 0 {
		t.Errorf("fewer syscalls than the base: %v per op, want 0", c.PerOp)
	}

	tree, _ := workload("tree_io")
	random, _ := workload("sleep_random")
	spawn, _ := workload("spawn")
	for _, c := range []struct {
		o    *Outcome
		res  result
		base bool
		want int
	}{
		{&Outcome{Workload: tree}, result{Size: 1, Ops: 1}, true, 0},
		{&Outcome{Workload: tree}, result{Size: 1, Ops: 1}, false, 1},
		{&Outcome{Workload: random}, result{Size: 10000, Ops: 1}, false, 10000},
		{&Outcome{Workload: spawn}, result{Size: 1, Ops: 1}, true, 1},
	} {
		if got := countOps(c.o, c.res, c.base); got != c.want {
			t.Errorf("%s %+v base %v: %d ops, want %d", c.o.Name, c.res, c.base, got, c.want)
		}
	}
	if got := countSize(&Outcome{Workload: spawn, Size: 1_000_000}); got != 100_000 {
		t.Errorf("spawn counted at size %d, want a tenth", got)
	}
	timers, _ := workload("timers_100k")
	if got := countSize(&Outcome{Workload: timers, Size: timers.Size}); got != 100_000 {
		t.Errorf("timers_100k counted at size %d, want its 100,000 timers", got)
	}
	if got := countSize(&Outcome{Workload: timers, Size: 200}); got != 200 {
		t.Errorf("timers_100k in a smoke run counted at size %d, want the smoke size", got)
	}
	if got := countSize(&Outcome{Workload: tree, Size: 2}); got != 1 {
		t.Errorf("tree_io counted at size %d, want one tree", got)
	}
}

func TestFindCounterOffSaysSo(t *testing.T) {
	if c, why := findCounter(SyscallsOff); c != nil || !strings.Contains(why, "--syscalls off") {
		t.Errorf("got %+v, %q", c, why)
	}
	t.Setenv("PATH", t.TempDir())
	if c, why := findCounter(SyscallsAuto); c != nil || !strings.Contains(why, "perf not found") || !strings.Contains(why, "strace not found") {
		t.Errorf("without perf and strace: %+v, %q", c, why)
	}
}

func TestMarkdownShowsSyscallsAndTheirShare(t *testing.T) {
	r := sampleReport()
	r.Machine.Syscall, r.Machine.EpollWait = 1000, 1300
	r.SyscallsHow = "counted by `strace -f -c`"
	spawn := r.Outcomes[1]
	spawn.Of(AIO).Syscalls = &SyscallCount{PerOp: 0.002}
	spawn.Of(Uvloop).Syscalls = &SyscallCount{PerOp: 0.45, Top: []NamedCount{{"epoll_wait", 0.4}}}
	spawn.Of(Asyncio).SyscallNote = "not counted: exit status 1"
	var b bytes.Buffer
	if err := r.Markdown(&b, "aio-bench", ""); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| A syscall | 1.00 µs per getppid, the cheapest; 1.30 µs per epoll_wait",
		"| Syscalls per operation | counted by `strace -f -c` |",
		"Counted by `strace -f -c`, outside the timed runs",
		"## Syscalls per operation\n",
		// uvloop: 0.45 syscalls of 1 µs in 900 ns/task is half of it.
		"| spawn | 0.002 (2 %) | — | not counted | 0.45: epoll_wait 0.40 (50 %) | — |  |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}
