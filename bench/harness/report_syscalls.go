package harness

import (
	"bytes"
	"fmt"
	"strings"
)

// machineSyscallRows adds the syscall's cost and how the syscalls were
// counted to the machine table.
func (r *Report) machineSyscallRows(row func(k, v string)) {
	m := r.Machine
	if m.Syscall > 0 {
		v := fmt.Sprintf("%s per getppid, the cheapest", formatFigure(m.Syscall, "ns"))
		if m.EpollWait > 0 {
			v += fmt.Sprintf("; %s per epoll_wait with a timeout of 0 on an empty set, which asyncio, uvloop and trio make once per loop iteration", formatFigure(m.EpollWait, "ns"))
		}
		if m.SyscallUser > 0 {
			v += fmt.Sprintf("; of a getppid's time, %s is charged as user CPU (getrusage of the thread over 500,000 calls), so a process's user time includes that much per syscall", formatFigure(m.SyscallUser, "ns"))
		}
		if r.anySyscalls() {
			v += " (see [Syscalls per operation](#syscalls-per-operation))"
		}
		row("A syscall", v)
	}
	if how := r.SyscallsHow; how != "" {
		if r.Smoke && r.anySyscalls() {
			how += "; a smoke run counts them for its first workload only"
		}
		row("Syscalls per operation", how)
	}
}

// writeSyscalls writes the syscalls per operation of every runtime on every
// workload, with the share of the operation's time that so many of the
// cheapest syscall would take.
func (r *Report) writeSyscalls(b *bytes.Buffer) {
	if !r.anySyscalls() {
		return
	}
	rts := append([]string{AIO}, r.peers()...)
	b.WriteString("## Syscalls per operation\n\n")
	fmt.Fprintf(b, "%s, outside the timed runs: each workload runs once more in each runtime at a tenth of its size "+
		"(one tree for the trees; for `ready_*` and `timers_*`, no fewer ops than their N), less a run of the same worker with almost nothing to do (size 1; for the trees, a tree of no levels), "+
		"divided by the operations between the two (for `sleep_random`, its tasks), so that the start of a process does not count. "+
		"Neither run warms up in the process. ", capitalize(r.SyscallsHow))
	if m := r.Machine; m.Syscall > 0 {
		fmt.Fprintf(b, "In parentheses, the share of the operation's median time that as many getppid calls would take at %s each: "+
			"a floor, since most syscalls cost more (epoll_wait with nothing to wait for: %s).", formatFigure(m.Syscall, "ns"), formatFigure(m.EpollWait, "ns"))
	}
	b.WriteString("\n\n")
	fmt.Fprintf(b, "| workload | %s |\n", strings.Join(rts, " | "))
	fmt.Fprintf(b, "| --- |%s\n", strings.Repeat(" ---: |", len(rts)))
	for _, o := range r.Outcomes {
		if !o.anySyscalls() {
			continue
		}
		fmt.Fprintf(b, "| %s |", o.Name)
		for _, rt := range rts {
			fmt.Fprintf(b, " %s |", r.syscallCell(o, o.Of(rt)))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func (r *Report) anySyscalls() bool {
	for _, o := range r.Outcomes {
		if o.anySyscalls() {
			return true
		}
	}
	return false
}

func (o *Outcome) anySyscalls() bool {
	for _, s := range o.Series {
		if s.Syscalls != nil || s.SyscallNote != "" {
			return true
		}
	}
	return false
}

// syscallCell is one runtime's syscalls per operation, the syscalls that
// make up most of them where the counter names them, and their share of
// the operation's time.
func (r *Report) syscallCell(o *Outcome, s *Series) string {
	switch {
	case s == nil:
		return ""
	case s.Syscalls == nil && s.SyscallNote != "":
		return "not counted"
	case s.Syscalls == nil:
		return "—"
	}
	cell := formatCount(s.Syscalls.PerOp)
	var top []string
	for _, t := range s.Syscalls.Top {
		top = append(top, t.Name+" "+formatCount(t.PerOp))
	}
	if len(top) > 0 {
		cell += ": " + strings.Join(top, ", ")
	}
	if share, ok := r.syscallShare(o, s); ok {
		cell += fmt.Sprintf(" (%s)", share)
	}
	return cell
}

// syscallShare is the share of the operation's median time that its
// syscalls would take at getppid's cost, for the workloads whose figure is
// a time per operation.
func (r *Report) syscallShare(o *Outcome, s *Series) (string, bool) {
	prefix, _, per := strings.Cut(o.Unit, "/")
	ns := map[string]float64{"ns": 1, "µs": 1e3, "ms": 1e6, "s": 1e9}[prefix]
	if o.metric != perOp || !per || ns == 0 || s.Status != OK || s.Median() <= 0 || r.Machine.Syscall <= 0 || s.Syscalls.PerOp == 0 {
		return "", false
	}
	share := s.Syscalls.PerOp * r.Machine.Syscall / (s.Median() * ns)
	switch {
	case share >= 0.995:
		return "≥ 100 %", true
	case share < 0.01:
		return "< 1 %", true
	}
	return fmt.Sprintf("%.0f %%", share*100), true
}
