package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// Options configure a run.
type Options struct {
	Smoke bool
	// Reps is the number of measured repetitions of every workload; 0 takes
	// each workload's default (DefaultReps, or fewer where Workload.Reps
	// says).
	Reps int
	// Only lists the workloads to run, by name; empty runs them all.
	Only []string
	// Worker is the command of the aio and go worker, to which the harness
	// appends "--runtime R --workload W --size N --warmup K": typically the
	// aio-bench binary and "worker".
	Worker []string
	// Script is bench/python/workloads.py; empty looks for it from the
	// working directory upwards.
	Script string
	// Pythons are the interpreters to try, in order; nil tries python3 on
	// PATH, then /usr/bin/python3.
	Pythons []string
	// Progress receives a line per measurement; nil discards them.
	Progress io.Writer
	// Timeout bounds one worker process; 0 is 10 minutes (2 in smoke mode).
	Timeout time.Duration
	// Syscalls says how to count the syscalls per operation (syscalls.go):
	// SyscallsAuto, SyscallsPerf, SyscallsStrace or SyscallsOff. A smoke
	// run counts them for its first workload only.
	Syscalls string
}

// DefaultReps is the number of repetitions of a workload without a cap of
// its own.
const DefaultReps = 5

// Status is how a runtime fared on a workload.
type Status int

const (
	OK          Status = iota // measured
	Skipped                   // the peer is missing on this machine (a note says why)
	Unavailable               // the worker exited 3: it has no such workload
	Failed                    // the worker failed
)

// Series is what one runtime measured on one workload.
type Series struct {
	Runtime string
	Status  Status
	Note    string    // why it was skipped or failed
	Values  []float64 // the figure of each repetition, in the workload's unit
	// Extra is a second figure per repetition: KB/task for sleep_random,
	// µs/task for parked; nil for the others.
	Extra []float64
	// NotEager is set on an eager tree that the runtime ran without eager
	// tasks (see eager.go): its figures are the plain tree's.
	NotEager bool
	// Syscalls is the runtime's syscalls per operation, counted outside
	// the timed runs (syscalls.go); nil if not counted, and SyscallNote
	// then says why where the others were.
	Syscalls    *SyscallCount
	SyscallNote string
}

// Median returns the median of the values, or 0 for none.
func (s *Series) Median() float64 { return median(s.Values) }

// Outcome is one workload's results, one series per runtime it has. The
// workers' in-process warm-up is Workload.InProcessWarmup, in every mode.
type Outcome struct {
	Workload
	Size        int
	Reps        int
	WarmupRound bool      // a worker process ran first, its figure dropped
	Series      []*Series // in runtimes' order
}

// Of returns the series of the runtime, or nil.
func (o *Outcome) Of(rt string) *Series {
	for _, s := range o.Series {
		if s.Runtime == rt {
			return s
		}
	}
	return nil
}

// Ratio returns aio's speed-up over the peer on this workload (the peer's
// median divided by aio's: above 1, aio is faster or smaller), and false if
// either was not measured.
func (o *Outcome) Ratio(peer string) (float64, bool) {
	a, p := o.Of(AIO), o.Of(peer)
	if a == nil || p == nil || a.Status != OK || p.Status != OK || a.Median() <= 0 {
		return 0, false
	}
	return p.Median() / a.Median(), true
}

// Report is a whole run: what ran where, and what it measured.
type Report struct {
	Smoke   bool
	Started time.Time
	Wall    time.Duration
	Machine Machine
	Python  *Python // nil if no interpreter was found
	Script  string  // the Python worker, "" if not found
	Notes   []string
	// SyscallsHow says how the syscalls were counted, or why they were not.
	SyscallsHow string
	Outcomes    []*Outcome
	Echo        *EchoOutcome // nil if the echo workload did not run
	Failures    []string     // one line per failed worker
}

// Run runs the suite and returns its report. Its error is for what stops
// the whole run (bad options); a failing worker is recorded in
// Report.Failures and the run goes on.
func Run(ctx context.Context, opts Options) (*Report, error) {
	list, err := selectWorkloads(opts.Only)
	if err != nil {
		return nil, err
	}
	if len(opts.Worker) == 0 {
		return nil, errors.New("harness: no worker command for aio and go")
	}
	switch opts.Syscalls {
	case SyscallsAuto, SyscallsPerf, SyscallsStrace, SyscallsOff:
	default:
		return nil, fmt.Errorf("harness: syscall counter %q; want %s, %s or %s", opts.Syscalls, SyscallsPerf, SyscallsStrace, SyscallsOff)
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Minute
		if opts.Smoke {
			opts.Timeout = 2 * time.Minute
		}
	}
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	rep := &Report{Smoke: opts.Smoke, Started: time.Now(), Machine: readMachine()}
	skip := map[string]string{} // peer -> why it is skipped
	r := &runner{opts: opts, progress: progress, rep: rep, skip: skip, env: workerEnv(opts.Smoke)}
	if m := rep.Machine; m.Syscall > 0 {
		fmt.Fprintf(progress, "machine: first touch of a page %.2f µs, getppid %s, epoll_wait(0) %s\n",
			m.PageFault, formatFigure(m.Syscall, "ns"), formatFigure(m.EpollWait, "ns"))
	}
	r.findPeers()
	r.findCounter()
	withEcho := len(opts.Only) == 0 || slices.Contains(opts.Only, EchoName)
	n := len(list) + btoi(withEcho)
	for i, w := range list {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Outcomes = append(rep.Outcomes, r.runWorkload(ctx, i+1, n, w))
	}
	if withEcho {
		rep.Echo = r.runEcho(ctx, n, n)
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	rep.Wall = time.Since(rep.Started)
	return rep, nil
}

func selectWorkloads(only []string) ([]Workload, error) {
	if len(only) == 0 {
		return Workloads, nil
	}
	var list []Workload
	for _, w := range Workloads {
		if slices.Contains(only, w.Name) {
			list = append(list, w)
		}
	}
	for _, name := range only {
		if _, ok := workload(name); !ok && name != EchoName {
			return nil, fmt.Errorf("unknown workload %q; known: %s", name, strings.Join(Names(), ","))
		}
	}
	return list, nil
}

// Names returns the workloads' names in the README's order, the echo
// workload last.
func Names() []string {
	names := make([]string, len(Workloads), len(Workloads)+1)
	for i, w := range Workloads {
		names[i] = w.Name
	}
	return append(names, EchoName)
}

// workerEnv is the environment of every worker: the harness's own, without
// the debug modes that would slow a runtime down and without a tree shape
// left over from a quick check, plus the smoke run's tiny trees.
func workerEnv(smoke bool) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "BENCH_TREE_LEVELS", "BENCH_TREE_BRANCHES", "AIODEBUG", "PYTHONASYNCIODEBUG", "PYTHONDEVMODE":
			return true
		}
		return false
	})
	if smoke {
		env = append(env, "BENCH_TREE_LEVELS=2", "BENCH_TREE_BRANCHES=2")
	}
	return env
}

type runner struct {
	opts     Options
	progress io.Writer
	rep      *Report
	skip     map[string]string
	env      []string
	counter  *counter // nil: syscalls are not counted
	counted  int      // workloads whose syscalls were counted
}

// runWorkload runs one workload in every runtime it has, interleaved.
func (r *runner) runWorkload(ctx context.Context, i, n int, w Workload) *Outcome {
	o := &Outcome{Workload: w, Size: w.fullSize(), Reps: DefaultReps, WarmupRound: !w.NoWarmup}
	switch {
	case r.opts.Smoke:
		o.Size, o.Reps, o.WarmupRound = max(1, w.Size/smokeDivisor), 1, false
	case r.opts.Reps > 0:
		o.Reps = r.opts.Reps
	case w.Reps > 0:
		o.Reps = w.Reps
	}
	for _, rt := range w.Runtimes {
		s := &Series{Runtime: rt}
		if why, ok := r.skip[rt]; ok {
			s.Status, s.Note = Skipped, why
		}
		o.Series = append(o.Series, s)
	}
	warm, first := "", 1
	if o.WarmupRound {
		warm, first = " after a warm-up round", 0
	}
	if w.InProcessWarmup > 0 {
		warm += fmt.Sprintf(", each after %d in-process warm-up round%s", w.InProcessWarmup, plural(w.InProcessWarmup))
	}
	fmt.Fprintf(r.progress, "[%d/%d] %s: %s, size %d, %d rep%s%s\n", i, n, w.Name, w.Unit, o.Size, o.Reps, plural(o.Reps), warm)
	start := time.Now()
	for rep := first; rep <= o.Reps; rep++ {
		for _, s := range o.Series {
			if s.Status == OK {
				r.measure(ctx, o, s, rep)
			}
		}
	}
	if r.counter != nil && (!r.opts.Smoke || r.counted == 0) {
		r.counted++
		for _, s := range o.Series {
			if s.Status == OK {
				r.countSyscalls(ctx, o, s)
			}
		}
	}
	fmt.Fprintf(r.progress, "  %s took %v\n", w.Name, time.Since(start).Round(100*time.Millisecond))
	return o
}

// measure runs repetition rep of the workload (0 is the warm-up) in the
// runtime of s, and records its figures in s, or why there are none.
func (r *runner) measure(ctx context.Context, o *Outcome, s *Series, rep int) {
	label := fmt.Sprintf("rep %d/%d", rep, o.Reps)
	if rep == 0 {
		label = "warm-up"
	}
	res, err := r.runWorker(ctx, s.Runtime, o.Name, o.Size, o.InProcessWarmup)
	var v, extra float64
	if err == nil {
		v, extra, err = o.figures(res)
	}
	if err != nil {
		r.setFailure(o, s, err)
		fmt.Fprintf(r.progress, "  %-16s %-8s %-8s %s\n", o.Name, s.Runtime, label, statusWord(s))
		return
	}
	eager := ""
	if res.Eager != nil && !*res.Eager {
		s.NotEager, eager = true, " (not eager)"
	}
	fmt.Fprintf(r.progress, "  %-16s %-8s %-8s %s%s\n", o.Name, s.Runtime, label, formatFigure(v, o.Unit), eager)
	if rep > 0 {
		s.Values = append(s.Values, v)
		if extra >= 0 {
			s.Extra = append(s.Extra, extra)
		}
	}
}

// setFailure records why a runtime has no figure: exit status 3 is a
// workload it does not have, 4 a Python peer whose package is missing
// (skipped from then on), anything else a failure.
func (r *runner) setFailure(o *Outcome, s *Series, err error) {
	var ex *exitError
	switch {
	case errors.As(err, &ex) && ex.code == 3:
		s.Status, s.Note = Unavailable, "the worker has no such workload (exit status 3)"
	case errors.As(err, &ex) && ex.code == 4 && isPython(s.Runtime):
		s.Status, s.Note = Skipped, ex.Error()
		r.skip[s.Runtime] = s.Note
		r.note("%s skipped: %s", s.Runtime, s.Note)
	default:
		s.Status, s.Note = Failed, err.Error()
		r.rep.Failures = append(r.rep.Failures, fmt.Sprintf("%s in %s: %v", o.Name, s.Runtime, err))
	}
}

func statusWord(s *Series) string {
	switch s.Status {
	case Skipped:
		return "skipped: " + s.Note
	case Unavailable:
		return "not available (exit 3)"
	case Failed:
		return "FAILED: " + s.Note
	}
	return "ok"
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
