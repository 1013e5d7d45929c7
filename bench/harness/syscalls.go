package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Counting syscalls. The report gives, for every workload and runtime, the
// syscalls one operation makes, so that a reader can see how much of a
// ratio is the kernel's: on a machine where a syscall costs a microsecond,
// a peer that makes one epoll_wait per loop iteration pays it on every
// sleep(0), and aio, which makes none, does not.
//
// The counts come from runs of their own, after a workload's timed runs
// and never during one: a tracer slows a process (strace by ten times on a
// loop that makes a syscall per step). Each is the worker, as the timed
// runs start it, under a counter that sees every thread of the process:
//
//   - perf stat -e raw_syscalls:sys_enter, a kernel tracepoint counted, not
//     traced: it costs the process almost nothing, so the syscalls that
//     depend on time (Go's sysmon, the collector's wake-ups) are as many
//     as in a timed run;
//   - or, without a working perf, strace -f -c, which also names the
//     syscalls.
//
// A worker's count includes its start (the interpreter's imports, the Go
// runtime's set-up), so there are two runs: the workload at a tenth of its
// size (one tree for the trees, and for the scaling workloads no fewer ops
// than they have tasks or timers), and the same worker with almost nothing to
// measure (size 1; for the trees, a tree of no levels). The difference,
// divided by the operations between the two (the tasks, for sleep_random,
// whose figure is a total), is the syscalls per operation. Neither run has
// an in-process warm-up, so a count includes what the first round of a
// process costs (the heap's growth, the executor's threads).
//
// Where neither tool runs (not installed, or not permitted: perf needs
// perf_event_paranoid at most -1 or CAP_PERFMON for a tracepoint, strace
// needs ptrace), the report says so, and nothing fails.

// Syscall counting modes, Options.Syscalls.
const (
	SyscallsAuto   = ""       // perf if it works, else strace, else none
	SyscallsPerf   = "perf"   // perf stat only
	SyscallsStrace = "strace" // strace -f -c only
	SyscallsOff    = "off"    // no counting
)

// counter is a working syscall counter: a command that runs another and
// writes its counts to a file.
type counter struct {
	tool string // "perf" or "strace"
	path string
}

// How says how the counter counts, for the report.
func (c *counter) How() string {
	if c.tool == SyscallsPerf {
		return "counted by `perf stat -e raw_syscalls:sys_enter` (a kernel tracepoint, counted: every thread of the worker, at almost no cost to it)"
	}
	return "counted by `strace -f -c` (every thread of the worker, traced; it also names the syscalls)"
}

// wrap returns argv run under the counter, which writes its counts to out.
func (c *counter) wrap(out string, argv []string) []string {
	if c.tool == SyscallsPerf {
		return append([]string{c.path, "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-o", out, "--"}, argv...)
	}
	return append([]string{c.path, "-f", "-q", "-c", "-o", out, "--"}, argv...)
}

// syscallCounts is what a counter read: the total, and by name where the
// tool names them (strace).
type syscallCounts struct {
	total  int64
	byName map[string]int64
}

// parse reads the counter's file.
func (c *counter) parse(out []byte) (syscallCounts, error) {
	if c.tool == SyscallsPerf {
		return parsePerf(out)
	}
	return parseStrace(out)
}

// parsePerf reads perf stat -x, output: comment lines, then one line per
// event whose first field is the count.
func parsePerf(out []byte) (syscallCounts, error) {
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, ",")
		if len(fields) < 3 || !strings.Contains(line, "raw_syscalls:sys_enter") {
			continue
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return syscallCounts{}, fmt.Errorf("perf counted %q", fields[0])
		}
		return syscallCounts{total: n}, nil
	}
	return syscallCounts{}, errors.New("perf wrote no count of raw_syscalls:sys_enter")
}

// parseStrace reads strace -c's table: "% time seconds usecs/call calls
// [errors] syscall" rows between dashed lines, then the total.
func parseStrace(out []byte) (syscallCounts, error) {
	c := syscallCounts{byName: map[string]int64{}}
	found := false
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || strings.HasPrefix(f[0], "-") || f[0] == "%" {
			continue
		}
		n, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			continue
		}
		name := f[len(f)-1]
		if name == "total" {
			c.total, found = n, true
			continue
		}
		c.byName[name] += n
	}
	if !found {
		return syscallCounts{}, errors.New("strace wrote no total")
	}
	return c, nil
}

// findCounter returns the counter of the mode that works here, or nil and
// why there is none.
func findCounter(mode string) (*counter, string) {
	if mode == SyscallsOff {
		return nil, "not counted (--syscalls off)"
	}
	var tried []string
	for _, tool := range []string{SyscallsPerf, SyscallsStrace} {
		if mode != SyscallsAuto && mode != tool {
			continue
		}
		path, err := exec.LookPath(tool)
		if err != nil {
			tried = append(tried, tool+" not found")
			continue
		}
		c := &counter{tool: tool, path: path}
		if err := c.probe(); err != nil {
			tried = append(tried, fmt.Sprintf("%s does not work here (%v)", tool, err))
			continue
		}
		return c, ""
	}
	return nil, "not counted: " + strings.Join(tried, "; ")
}

// probe counts the syscalls of true(1).
func (c *counter) probe() error {
	cmd, err := exec.LookPath("true")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "aio-bench-syscalls")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "counts")
	argv := c.wrap(out, []string{cmd})
	if msg, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, lastLines(string(msg), 1))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return errors.New("it wrote no counts")
	}
	n, err := c.parse(b)
	if err == nil && n.total <= 0 {
		err = errors.New("it counted no syscalls")
	}
	return err
}

// SyscallCount is what one runtime's syscalls per operation came to on one
// workload.
type SyscallCount struct {
	PerOp float64
	// Top names the syscalls that make up most of PerOp, most first, where
	// the counter names them (strace); nil otherwise.
	Top []NamedCount
}

// NamedCount is one syscall's count per operation.
type NamedCount struct {
	Name  string
	PerOp float64
}

// countSize is the size of a counting run: a tenth of the measured size
// (at least 2, and at least the tasks or timers that a scaling workload
// holds, within the measured size), or one tree.
func countSize(o *Outcome) int {
	if isTree(o.Name) {
		return 1
	}
	return max(2, o.Size/10, min(o.Alive, o.Size))
}

func isTree(name string) bool { return strings.HasPrefix(name, "tree_") }

// countOps is how many operations a counting run's result covers: its
// ops, but its tasks for sleep_random (whose one op is the whole run), and
// none for the base run of a tree (a tree of no levels).
func countOps(o *Outcome, res result, base bool) int {
	switch {
	case isTree(o.Name) && base:
		return 0
	case o.metric == total:
		return res.Size
	}
	return res.Ops
}

// countSyscalls counts the syscalls per operation of s's runtime on the
// workload. It records why in s.SyscallNote if it cannot.
func (r *runner) countSyscalls(ctx context.Context, o *Outcome, s *Series) {
	run := func(size int, env []string) (result, syscallCounts, error) {
		dir, err := os.MkdirTemp("", "aio-bench-syscalls")
		if err != nil {
			return result{}, syscallCounts{}, err
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "counts")
		res, err := r.runWorkerUnder(ctx, func(argv []string) []string { return r.counter.wrap(out, argv) },
			env, s.Runtime, o.Name, size, 0)
		if err != nil {
			return res, syscallCounts{}, err
		}
		b, err := os.ReadFile(out)
		if err != nil {
			return res, syscallCounts{}, fmt.Errorf("%s wrote no counts", r.counter.tool)
		}
		n, err := r.counter.parse(b)
		return res, n, err
	}
	var baseEnv []string
	if isTree(o.Name) {
		baseEnv = []string{"BENCH_TREE_LEVELS=0"}
	}
	base, nBase, err := run(1, baseEnv)
	var res result
	var n syscallCounts
	if err == nil {
		res, n, err = run(countSize(o), nil)
	}
	ops := countOps(o, res, false) - countOps(o, base, true)
	if err == nil && ops <= 0 {
		err = fmt.Errorf("no operations between the counting runs (%d and %d)", res.Ops, base.Ops)
	}
	if err != nil {
		s.SyscallNote = "not counted: " + err.Error()
		fmt.Fprintf(r.progress, "  %-16s %-8s syscalls %s\n", o.Name, s.Runtime, s.SyscallNote)
		return
	}
	s.Syscalls = perOpCounts(n, nBase, ops)
	fmt.Fprintf(r.progress, "  %-16s %-8s syscalls %s/op\n", o.Name, s.Runtime, formatCount(s.Syscalls.PerOp))
}

// perOpCounts is the difference of two counts per operation, the names
// that make up most of it first (at most three, each at least 0.01 per
// operation). A difference below zero, the noise of the time-driven
// syscalls between two runs, is zero.
func perOpCounts(n, base syscallCounts, ops int) *SyscallCount {
	c := &SyscallCount{PerOp: max(0, float64(n.total-base.total)/float64(ops))}
	for name, k := range n.byName {
		if v := float64(k-base.byName[name]) / float64(ops); v >= 0.01 {
			c.Top = append(c.Top, NamedCount{name, v})
		}
	}
	slices.SortFunc(c.Top, func(a, b NamedCount) int {
		switch {
		case a.PerOp > b.PerOp:
			return -1
		case a.PerOp < b.PerOp:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(c.Top) > 3 {
		c.Top = c.Top[:3]
	}
	return c
}

// formatCount formats syscalls per operation: "1.00", "0.013", "0".
func formatCount(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v < 0.001:
		return "< 0.001"
	case v < 0.1:
		return fmt.Sprintf("%.3f", v)
	case v < 100:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// findCounter finds the syscall counter of the run, and says in the report
// which it is, or why there is none.
func (r *runner) findCounter() {
	c, why := findCounter(r.opts.Syscalls)
	r.counter = c
	if c == nil {
		r.rep.SyscallsHow = why
		r.note("Syscalls per operation: %s.", why)
		return
	}
	r.rep.SyscallsHow = c.How()
}
