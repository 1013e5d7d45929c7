package harness

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Markdown writes the report as docs/BENCHMARKS.md has it: the machine, the
// date and the command, the targets met or missed, a matrix of ratios,
// then a table per workload. command is the command line that ran
// the suite; chart, if not empty, is the chart's path relative to the
// Markdown file, linked from the top.
func (r *Report) Markdown(w io.Writer, command, chart string) error {
	var b bytes.Buffer
	b.WriteString("# aio against CPython's asyncio, uvloop and trio\n\n")
	if r.Smoke {
		b.WriteString("**Smoke run**: tiny sizes, one repetition; the figures below mean nothing.\n\n")
	}
	fmt.Fprintf(&b, "Measured by `aio-bench` (the workloads are specified in [bench/README.md](../bench/README.md)). "+
		"Every measurement runs in a fresh process; the runtimes of a workload take turns (A B C A B C ...), "+
		"and each figure is the median of the repetitions. A ratio is aio's speed-up over the peer, the peer's "+
		"median divided by aio's: above 1× aio is faster (or, for memory, smaller).\n\n")
	b.WriteString("A fresh process pays for the first touch of every memory page it maps (the machine's figure is below). " +
		"So spawn and the async_tree workloads, which hold up to a million tasks at once, warm up in the process, " +
		"as pyperformance's workers do: each of their processes runs an untimed round of the same work (for the trees, " +
		"one tree) and collects its garbage before the measured one, the same in every runtime. The memory workloads (`sleep_random`, `parked`) do not, since a warm-up " +
		"would raise the peak they report. Where a workload has a warm-up round, it is a process of its own whose figure " +
		"is dropped: it warms the file cache and little else.\n\n")
	if chart != "" {
		fmt.Fprintf(&b, "![aio's speed-up over each peer](%s)\n\n", chart)
	}
	r.writeMachine(&b, command)
	r.writeTargets(&b)
	r.writeScaling(&b)
	r.writeMatrix(&b)
	r.writeSyscalls(&b)
	b.WriteString("## Workloads\n\n")
	for _, o := range r.Outcomes {
		r.writeOutcome(&b, o)
	}
	if r.Echo != nil {
		writeEcho(&b, r.Echo, r.Machine.SyscallUser)
	}
	if len(r.Notes) > 0 || len(r.Failures) > 0 {
		b.WriteString("## Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
		for _, f := range r.Failures {
			fmt.Fprintf(&b, "- **Failed**: %s\n", f)
		}
		b.WriteString("\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

func (r *Report) writeMachine(b *bytes.Buffer, command string) {
	m := r.Machine
	b.WriteString("## Machine and run\n\n| | |\n| --- | --- |\n")
	row := func(k, v string) { fmt.Fprintf(b, "| %s | %s |\n", k, v) }
	row("Date", r.Started.UTC().Format("2006-01-02 15:04 MST"))
	row("Command", "`"+command+"`")
	row("Wall time", r.Wall.Round(time.Second).String())
	row("CPU", fmt.Sprintf("%s, %d logical cores", m.CPU, m.Cores))
	row("Memory", m.Memory)
	row("OS", m.OS)
	row("Go", m.Go)
	if p := r.Python; p != nil {
		row("Python", fmt.Sprintf("%s (`%s`)", p.Version, p.Path))
		row("uvloop", orMissing(p.Uvloop))
		row("trio", orMissing(p.Trio))
	} else {
		row("Python", "not found")
	}
	if m.PageFault > 0 {
		row("First touch of a page", fmt.Sprintf("%.2f µs per 4 KiB page (64 MiB of fresh memory): "+
			"`parked` and `sleep_random` pay it for every page their tasks touch; spawn and the trees pay it "+
			"in their in-process warm-up round", m.PageFault))
	}
	r.machineSyscallRows(row)
	b.WriteString("\n")
}

func orMissing(v string) string {
	if v == "" {
		return "not installed (skipped)"
	}
	return v
}

// writeTargets writes the acceptance table: aio's speed-up over the peer
// each target names, and whether it reaches the target's factor.
func (r *Report) writeTargets(b *bytes.Buffer) {
	b.WriteString("## Targets\n\n")
	b.WriteString("| workload | what | aio | peer | aio's speed-up | target | met |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | --- |\n")
	for _, t := range Targets {
		o := r.outcome(t.Workload)
		if o == nil {
			continue
		}
		a := o.Of(AIO)
		aio := "—"
		if a != nil && a.Status == OK {
			aio = formatFigure(a.Median(), o.Unit) + eagerMark(a)
		}
		if t.MaxBytes > 0 {
			met := verdict(a != nil && a.Status == OK, a != nil && a.Median() <= t.MaxBytes)
			peer := "—"
			if p := o.Of(Asyncio); p != nil && p.Status == OK {
				peer = "asyncio " + formatFigure(p.Median(), o.Unit)
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | | ≤ %s (%.0f B); CPython needs about 1.3 KB per task | %s |\n",
				t.Workload, t.Why, aio, peer, "2.5 KB", t.MaxBytes, met)
			continue
		}
		p := o.Of(t.Peer)
		peer := t.Peer + " —"
		if p != nil && p.Status == OK {
			peer = t.Peer + " " + formatFigure(p.Median(), o.Unit) + eagerMark(p)
		}
		ratio, ok := o.Ratio(t.Peer)
		met := verdict(ok, ratio >= t.Factor)
		if a != nil && a.NotEager {
			met = "eager unavailable"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | ≥ %g× faster than %s | %s |\n",
			t.Workload, t.Why, aio, peer, formatRatio(ratio, ok), t.Factor, t.Peer, met)
	}
	b.WriteString("\n")
}

func verdict(measured, met bool) string {
	switch {
	case !measured:
		return "not measured"
	case met:
		return "met"
	}
	return "**missed**"
}

func (r *Report) outcome(name string) *Outcome {
	for _, o := range r.Outcomes {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// peers returns the peers that some outcome has, in runtimes' order.
func (r *Report) peers() []string {
	var list []string
	for _, rt := range runtimes[1:] {
		if slices.ContainsFunc(r.Outcomes, func(o *Outcome) bool { return o.Of(rt) != nil }) {
			list = append(list, rt)
		}
	}
	return list
}

// writeMatrix writes aio's speed-up over every peer, a row per workload.
func (r *Report) writeMatrix(b *bytes.Buffer) {
	peers := r.peers()
	b.WriteString("## aio's speed-up over each peer\n\n")
	b.WriteString("Peer's median ÷ aio's median: above 1× aio is faster (for `parked`, smaller).\n\n")
	fmt.Fprintf(b, "| workload | aio | %s |\n", strings.Join(peers, " | "))
	fmt.Fprintf(b, "| --- | ---: |%s\n", strings.Repeat(" ---: |", len(peers)))
	for _, o := range r.Outcomes {
		aio := "—"
		if a := o.Of(AIO); a != nil && a.Status == OK {
			aio = formatFigure(a.Median(), o.Unit) + eagerMark(a)
		}
		fmt.Fprintf(b, "| %s | %s |", o.Name, aio)
		for _, p := range peers {
			ratio, ok := o.Ratio(p)
			cell := ""
			switch s := o.Of(p); {
			case s == nil:
			case ok:
				cell = formatRatio(ratio, true) + eagerMark(s)
			default:
				cell = shortStatus(s)
			}
			fmt.Fprintf(b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func shortStatus(s *Series) string {
	switch s.Status {
	case Skipped:
		return "skipped"
	case Unavailable:
		return "n/a"
	case Failed:
		return "failed"
	}
	return "—"
}

func (r *Report) writeOutcome(b *bytes.Buffer, o *Outcome) {
	fmt.Fprintf(b, "### %s\n\n%s. Unit: %s; size %s", o.Name, capitalize(o.What), o.Unit, thousands(o.Size))
	if o.Size != o.Workload.Size && o.Size == o.RunSize {
		fmt.Fprintf(b, " (the README's %s: the cost per op does not depend on it, and the Python peers would take several seconds a run)", thousands(o.Workload.Size))
	}
	b.WriteString("; ")
	if o.WarmupRound {
		fmt.Fprintf(b, "a warm-up round, then ")
	}
	fmt.Fprintf(b, "%d repetition%s", o.Reps, plural(o.Reps))
	if k := o.InProcessWarmup; k > 0 {
		fmt.Fprintf(b, ", each process after %s", inProcessWarmup(o.Name, k))
	}
	b.WriteString(".\n\n")
	extra := map[metric]string{total: "KB/task (peak RSS)", perTask: "µs/task"}[o.metric]
	head := "| runtime | median | min – max | aio's speed-up |"
	sep := "| --- | ---: | ---: | ---: |"
	if extra != "" {
		head += " " + extra + " |"
		sep += " ---: |"
	}
	b.WriteString(head + "\n" + sep + "\n")
	for _, s := range o.Series {
		if s.Status != OK {
			fmt.Fprintf(b, "| %s | %s | | |%s\n", s.Runtime, statusCell(s), strings.Repeat(" |", btoi(extra != "")))
			continue
		}
		lo, hi := slices.Min(s.Values), slices.Max(s.Values)
		ratio := "(aio)"
		if s.Runtime != AIO {
			r, ok := o.Ratio(s.Runtime)
			ratio = formatRatio(r, ok)
		}
		fmt.Fprintf(b, "| %s | %s | %s – %s | %s |", s.Runtime+eagerMark(s), formatFigure(s.Median(), o.Unit),
			perless(formatFigure(lo, o.Unit)), perless(formatFigure(hi, o.Unit)), ratio)
		if extra != "" {
			fmt.Fprintf(b, " %.2f |", median(s.Extra))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	r.writeNotEager(b, o)
}

// inProcessWarmup says what k in-process warm-up rounds of the workload are:
// for the trees, k trees; for the others, k rounds of the measured size.
func inProcessWarmup(name string, k int) string {
	if strings.HasPrefix(name, "tree_") {
		return fmt.Sprintf("%d untimed warm-up tree%s", k, plural(k))
	}
	return fmt.Sprintf("%d untimed warm-up round%s of the same size", k, plural(k))
}

// perless drops the "/op" of a figure: "1.23 µs/step" is "1.23 µs".
func perless(f string) string {
	f, _, _ = strings.Cut(f, "/")
	return f
}

func statusCell(s *Series) string {
	switch s.Status {
	case Skipped:
		return "skipped (see the notes)"
	case Unavailable:
		return "not available"
	case Failed:
		return "**failed**: " + strings.ReplaceAll(s.Note, "|", "\\|")
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// thousands formats n with commas: 1,000,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// formatRatio formats a speed-up: "12.3×", "0.45×".
func formatRatio(r float64, ok bool) string {
	switch {
	case !ok:
		return "—"
	case r >= 100:
		return fmt.Sprintf("%.0f×", r)
	case r >= 10:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// formatFigure formats v, given in unit, with a prefix that keeps it
// readable: 1234 ns/step is "1.23 µs/step".
func formatFigure(v float64, unit string) string {
	prefix, per, _ := strings.Cut(unit, "/")
	if per != "" {
		per = "/" + per
	}
	ns := map[string]float64{"ns": 1, "µs": 1e3, "ms": 1e6, "s": 1e9}
	if f, ok := ns[prefix]; ok {
		v *= f
		switch {
		case v >= 1e9:
			return num(v/1e9) + " s" + per
		case v >= 1e6:
			return num(v/1e6) + " ms" + per
		case v >= 1e3:
			return num(v/1e3) + " µs" + per
		}
		return num(v) + " ns" + per
	}
	if prefix == "B" {
		return fmt.Sprintf("%.0f B%s", v, per)
	}
	return num(v) + " " + unit
}

// num formats with three significant digits.
func num(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
