package harness

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// peerColors gives each peer the same colour in every chart.
var peerColors = map[string]color.Color{
	Go:      color.RGBA{R: 0x77, G: 0x77, B: 0x77, A: 0xff},
	Asyncio: color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	Uvloop:  color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	Trio:    color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	CPython: color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}

// Chart writes a PNG bar chart of aio's speed-up over each peer: a group of
// horizontal bars per workload (top to bottom in the README's order), one
// bar per peer, on a log scale centred on 1× so that a bar to the right
// means aio is faster and one to the left that it is slower, each labelled
// with its ratio.
func (r *Report) Chart(w io.Writer) error {
	peers := r.peers()
	n := len(r.Outcomes)
	if n == 0 || len(peers) == 0 {
		return fmt.Errorf("harness: nothing to chart")
	}
	p := plot.New()
	p.Title.Text = "aio's speed-up over each peer (peer's median ÷ aio's; log scale)"
	if r.Smoke {
		p.Title.Text += " — smoke run, figures meaningless"
	}
	p.X.Label.Text = "← aio slower        aio faster →"
	p.Legend.Top = true
	// Rows are numbered from the bottom; the first workload goes on top.
	names := make([]string, n)
	for i, o := range r.Outcomes {
		label := o.Name
		if o.metric == perTask {
			label += " (memory)"
		}
		names[n-1-i] = label
	}
	p.NominalY(names...)

	const barWidth = 7
	group := vg.Length(barWidth * len(peers))
	lo, hi := 0.0, 0.0
	for k, peer := range peers {
		vals := make(plotter.Values, n)
		var pts plotter.XYs
		var labels []string
		for i, o := range r.Outcomes {
			ratio, ok := o.Ratio(peer)
			if !ok {
				continue
			}
			v := math.Log10(ratio)
			vals[n-1-i] = v
			lo, hi = min(lo, v), max(hi, v)
			pts = append(pts, plotter.XY{X: v, Y: float64(n - 1 - i)})
			labels = append(labels, formatRatio(ratio, true))
		}
		bars, err := plotter.NewBarChart(vals, barWidth)
		if err != nil {
			return err
		}
		bars.Horizontal = true
		bars.Color = peerColors[peer]
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(barWidth) * (vg.Length(len(peers)-1)/2 - vg.Length(k))
		p.Add(bars)
		p.Legend.Add(peer, bars)
		if len(pts) > 0 {
			// Each label sits past the end of its bar: on the bar's row,
			// moved by the bar's offset within its group.
			lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
			if err != nil {
				return err
			}
			lbl.Offset = vg.Point{Y: bars.Offset}
			for i := range lbl.TextStyle {
				lbl.TextStyle[i].Font.Size = vg.Points(6.5)
				lbl.TextStyle[i].YAlign = draw.YCenter
				if pts[i].X < 0 {
					lbl.TextStyle[i].XAlign = draw.XRight
				}
			}
			p.Add(lbl)
		}
	}
	if err := r.addTargets(p, n); err != nil {
		return err
	}
	// The 1× line, and room for the labels beyond the longest bars.
	one, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	if err != nil {
		return err
	}
	one.Color = color.Black
	p.Add(one)
	p.X.Min = min(lo, -0.5) - 0.4
	p.X.Max = max(hi, 1) + 0.4
	p.X.Tick.Marker = plot.TickerFunc(ratioTicks)
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	p.Add(grid)

	height := vg.Length(n)*(group+8) + 1.5*vg.Inch
	c := vgimg.NewWith(vgimg.UseWH(9*vg.Inch, height), vgimg.UseDPI(144))
	p.Draw(draw.New(c))
	_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// addTargets marks the targets with a dashed line across the
// workload's row, in the colour of the peer they are set against.
func (r *Report) addTargets(p *plot.Plot, n int) error {
	var thumb *plotter.Line
	for _, t := range Targets {
		i := slices.IndexFunc(r.Outcomes, func(o *Outcome) bool { return o.Name == t.Workload })
		if i < 0 || t.Factor == 0 {
			continue
		}
		row, x := float64(n-1-i), math.Log10(t.Factor)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: row - 0.45}, {X: x, Y: row + 0.45}})
		if err != nil {
			return err
		}
		l.Color = peerColors[t.Peer]
		l.Width = vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
		if thumb == nil {
			thumb = &plotter.Line{LineStyle: l.LineStyle}
			thumb.Color = color.Black
		}
	}
	if thumb != nil {
		p.Legend.Add("target", thumb)
	}
	return nil
}

// ratioTicks labels the decades of the log10 axis as ratios: 0.1×, 1×,
// 10×, 100×.
func ratioTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Ceil(lo); e <= hi; e++ {
		ticks = append(ticks, plot.Tick{Value: e, Label: decade(e)})
		for _, m := range []float64{2, 5} {
			if v := e + math.Log10(m); v <= hi {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	slices.SortFunc(ticks, func(a, b plot.Tick) int {
		switch {
		case a.Value < b.Value:
			return -1
		case a.Value > b.Value:
			return 1
		}
		return 0
	})
	return ticks
}

func decade(e float64) string {
	v := math.Pow(10, e)
	if v >= 1 {
		return fmt.Sprintf("%.0f×", v)
	}
	return fmt.Sprintf("%g×", v)
}
