package harness

import (
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// memoryPerTask is a runtime's memory per task on a memory workload, in
// bytes: parked's figure, or sleep_random's peak KB per task.
func memoryPerTask(o *Outcome, s *Series) (float64, bool) {
	if s == nil || s.Status != OK {
		return 0, false
	}
	switch o.metric {
	case perTask:
		return s.Median(), true
	case total:
		if len(s.Extra) > 0 {
			return median(s.Extra) * 1024, true
		}
	}
	return 0, false
}

// memoryPlot is the memory panel: for each memory workload, a bar per
// runtime of its memory per task, in KB on a linear scale, the parked
// target dashed.
func (r *Report) memoryPlot(outs []*Outcome, rts []string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Memory per task (peak resident set over the base, ÷ tasks; smaller is better)"
	if r.Smoke {
		p.Title.Text += " — smoke run"
	}
	p.Title.Padding = vg.Points(10)
	p.X.Label.Text = "KB per task"
	n := len(outs)
	names := rowNames(outs)
	for i := range names {
		names[i] += " (memory)"
	}
	p.NominalY(names...)
	hi := 0.0
	for k, rt := range rts {
		vals := make(plotter.Values, n)
		var pts plotter.XYs
		var labels []string
		for i, o := range outs {
			b, ok := memoryPerTask(o, o.Of(rt))
			if !ok {
				continue
			}
			kb := b / 1024
			vals[n-1-i] = kb
			hi = max(hi, kb)
			pts = append(pts, plotter.XY{X: kb, Y: float64(n - 1 - i)})
			labels = append(labels, " "+num(kb)+" KB")
		}
		if err := addBars(p, vals, pts, labels, runtimeColors[rt], groupOffset(k, len(rts))); err != nil {
			return nil, err
		}
	}
	for _, t := range Targets {
		i := slices.IndexFunc(outs, func(o *Outcome) bool { return o.Name == t.Workload })
		if i < 0 || t.MaxBytes == 0 {
			continue
		}
		row, x := float64(n-1-i), t.MaxBytes/1024
		hi = max(hi, x)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: row - 0.45}, {X: x, Y: row + 0.45}})
		if err != nil {
			return nil, err
		}
		l.LineStyle = targetStyle(color.Black)
		p.Add(l)
	}
	p.X.Min, p.X.Max = 0, hi*1.25+0.1
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	p.Add(grid)
	return p, nil
}
