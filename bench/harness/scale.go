package harness

import (
	"bytes"
	"fmt"
	"strings"
)

// The scaling workloads: the headline workloads have one or two tasks, and
// aio's lead over uvloop shrinks where the work grows. ready_N is a
// Sleep(0) step among N ready tasks, timers_N a timer armed and cancelled
// among N pending ones, for N = 1, 1,000 and 100,000; the report puts
// them in one table next to the targets (Report.writeScaling), aio's and
// uvloop's cost per op side by side.

// scaleCounts are the N of the scaling workloads, as their names spell it.
var scaleCounts = []struct {
	suffix string
	n      int
}{{"1", 1}, {"1k", 1_000}, {"100k", 100_000}}

// scaleFamily is one operation of the scaling table.
type scaleFamily struct {
	prefix string
	op     string // what one op is, for the table
	what   string // a format of one op among n
	unit   string
	size   func(n int) int
}

var scaleFamilies = []scaleFamily{
	{"ready", "`sleep(0)` step among N ready tasks", "one `sleep(0)` step of one of %s tasks that take turns (created, and past their first step, before the clock starts)", "ns/step",
		// 10 rounds at 100,000 tasks, so that a task's return is a tenth of its steps.
		func(n int) int { return max(200_000, 10*n) }},
	{"timers", "timer armed and cancelled among N pending", "one timer armed among %s pending an hour away and cancelled at once, as a timeout that does not expire (`call_later` and `cancel`; a `sleep(0)` every 1,000)", "ns/timer",
		func(int) int { return 200_000 }},
}

var scaleRuntimes = []string{AIO, Uvloop}

// scalingWorkloads returns ready_* and timers_*, by family, then by N.
func scalingWorkloads() []Workload {
	var ws []Workload
	for _, f := range scaleFamilies {
		for _, c := range scaleCounts {
			ws = append(ws, Workload{
				Name: f.prefix + "_" + c.suffix,
				What: fmt.Sprintf(f.what, thousands(c.n)),
				Unit: f.unit, scale: 1e9, Size: f.size(c.n), Runtimes: scaleRuntimes, Reps: 3, Alive: c.n,
				// A warm-up process warms the file cache; at 100,000 it
				// would cost more than a repetition does.
				NoWarmup: c.n >= 100_000,
			})
		}
	}
	return ws
}

// writeScaling writes the scaling table: for each operation, aio's and
// uvloop's cost per op at each N, and aio's speed-up.
func (r *Report) writeScaling(b *bytes.Buffer) {
	var rows []string
	for _, f := range scaleFamilies {
		var outs []*Outcome
		for _, c := range scaleCounts {
			outs = append(outs, r.outcome(f.prefix+"_"+c.suffix))
		}
		if !anyOutcome(outs) {
			continue
		}
		name := f.op + " (`" + f.prefix + "_*`)"
		for _, rt := range scaleRuntimes {
			cells := make([]string, len(outs))
			for i, o := range outs {
				cells[i] = perless(medianCell(o, rt))
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s |", name, rt, strings.Join(cells, " | ")))
			name = ""
		}
		cells := make([]string, len(outs))
		for i, o := range outs {
			if o != nil {
				ratio, ok := o.Ratio(Uvloop)
				cells[i] = formatRatio(ratio, ok)
			}
		}
		rows = append(rows, fmt.Sprintf("| | aio's speed-up | %s |", strings.Join(cells, " | ")))
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("## Scaling\n\n")
	b.WriteString("The targets above are mostly at one or two tasks. Here one operation's cost at 1, 1,000 and 100,000 " +
		"tasks or timers alive, in aio and in uvloop (the median of each workload's repetitions; each N is a workload of its own, " +
		"below). With one task, every `sleep(0)` of uvloop is a loop iteration, and so an `epoll_wait`; with many, one iteration " +
		"runs them all.\n\n")
	head := make([]string, len(scaleCounts))
	for i, c := range scaleCounts {
		head[i] = "N = " + thousands(c.n)
	}
	fmt.Fprintf(b, "| operation | runtime | %s |\n| --- | --- |%s\n", strings.Join(head, " | "), strings.Repeat(" ---: |", len(head)))
	for _, row := range rows {
		b.WriteString(row + "\n")
	}
	b.WriteString("\n")
}

func anyOutcome(outs []*Outcome) bool {
	for _, o := range outs {
		if o != nil {
			return true
		}
	}
	return false
}

// medianCell is the runtime's median on the workload, or why it has none.
func medianCell(o *Outcome, rt string) string {
	if o == nil {
		return ""
	}
	s := o.Of(rt)
	switch {
	case s == nil:
		return ""
	case s.Status != OK:
		return shortStatus(s)
	}
	return formatFigure(s.Median(), o.Unit)
}
