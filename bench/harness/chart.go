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

// runtimeColors gives each runtime the same colour in every chart.
var runtimeColors = map[string]color.Color{
	AIO:     color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	Go:      color.RGBA{R: 0x77, G: 0x77, B: 0x77, A: 0xff},
	Asyncio: color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	Uvloop:  color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	Trio:    color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	CPython: color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}

const (
	barWidth    = 7
	chartWidth  = 9 * vg.Inch
	legendRows  = 2
	legendEntry = 13 // points per legend row
)

// Chart writes a PNG of two panels under one legend. The first is aio's
// speed-up over each peer: a group of horizontal bars per workload (top to
// bottom in the README's order), one bar per peer, on a log scale centred
// on 1× so that a bar to the right means aio is faster and one to the left
// that it is slower, each labelled with its ratio, the targets dashed. The
// second is the memory per task of the memory workloads, in every runtime,
// aio's included, in bytes: a size is no speed-up, so it has its own panel
// and scale. The legend sits in a strip of its own above both, where it
// hides no bar.
func (r *Report) Chart(w io.Writer) error {
	var speed, memory []*Outcome
	for _, o := range r.Outcomes {
		// sleep_random's time is a speed-up, and its peak memory per task
		// goes with parked's.
		if o.metric != perTask {
			speed = append(speed, o)
		}
		if o.metric != perOp {
			memory = append(memory, o)
		}
	}
	peers := r.peers()
	if len(r.Outcomes) == 0 || len(peers) == 0 {
		return fmt.Errorf("harness: nothing to chart")
	}
	var panels []*plot.Plot
	var heights []vg.Length
	if len(speed) > 0 {
		p, err := r.speedupPlot(speed, peers)
		if err != nil {
			return err
		}
		panels, heights = append(panels, p), append(heights, vg.Length(len(speed))*(vg.Length(barWidth*len(peers))+8)+1.3*vg.Inch)
	}
	rts := append([]string{AIO}, peers...)
	if len(memory) > 0 {
		p, err := r.memoryPlot(memory, rts)
		if err != nil {
			return err
		}
		panels, heights = append(panels, p), append(heights, vg.Length(len(memory))*(vg.Length(barWidth*len(rts))+8)+1.3*vg.Inch)
	}
	legendH := vg.Points(legendEntry*legendRows + 16)
	height := legendH
	for _, h := range heights {
		height += h
	}
	c := vgimg.NewWith(vgimg.UseWH(chartWidth, height), vgimg.UseDPI(144))
	dc := draw.New(c)
	r.drawLegend(draw.Crop(dc, 0, 0, height-legendH, 0), rts, len(memory) > 0)
	top := legendH
	for i, p := range panels {
		bottom := height - top - heights[i]
		p.Draw(draw.Crop(dc, vg.Points(6), 0, bottom, -top))
		top += heights[i]
	}
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// swatch is a legend entry's thumbnail: a box of a colour, or a dashed
// line for the targets.
type swatch struct {
	color  color.Color
	dashed bool
}

func (s swatch) Thumbnail(c *draw.Canvas) {
	if s.dashed {
		y := (c.Min.Y + c.Max.Y) / 2
		c.StrokeLine2(targetStyle(color.Black), c.Min.X, y, c.Max.X, y)
		return
	}
	c.FillPolygon(s.color, []vg.Point{c.Min, {X: c.Min.X, Y: c.Max.Y}, c.Max, {X: c.Max.X, Y: c.Min.Y}})
}

// drawLegend draws the runtimes' colours and the targets' dashes in
// columns of legendRows entries, left to right; aio's colour only where a
// panel has aio's bars (the memory panel).
func (r *Report) drawLegend(c draw.Canvas, rts []string, aioBars bool) {
	type item struct {
		name string
		s    swatch
	}
	var items []item
	for _, rt := range rts {
		if rt != AIO || aioBars {
			items = append(items, item{rt, swatch{color: runtimeColors[rt]}})
		}
	}
	items = append(items, item{"target", swatch{dashed: true}})
	cols := (len(items) + legendRows - 1) / legendRows
	colW := (c.Max.X - c.Min.X - 2*vg.Inch) / vg.Length(max(cols, 1))
	for i := range cols {
		l := plot.NewLegend()
		l.Top, l.Left = true, true
		l.TextStyle.Font.Size = vg.Points(9)
		for _, it := range items[i*legendRows : min(len(items), (i+1)*legendRows)] {
			l.Add(it.name, it.s)
		}
		left := vg.Inch + vg.Length(i)*colW
		l.Draw(draw.Crop(c, left, -(c.Max.X - c.Min.X - left - colW), 0, -8))
	}
}

func targetStyle(clr color.Color) draw.LineStyle {
	return draw.LineStyle{Color: clr, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
}

// rowNames are the workloads' names as rows numbered from the bottom: the
// first workload goes on top.
func rowNames(outs []*Outcome) []string {
	n := len(outs)
	names := make([]string, n)
	for i, o := range outs {
		names[n-1-i] = o.Name
	}
	return names
}

// groupOffset is the offset of bar k of a group of n within its row.
func groupOffset(k, n int) vg.Length {
	return vg.Length(barWidth) * (vg.Length(n-1)/2 - vg.Length(k))
}

// speedupPlot is the speed-up panel of the workloads outs.
func (r *Report) speedupPlot(outs []*Outcome, peers []string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "aio's speed-up over each peer (peer's median ÷ aio's; log scale)"
	if r.Smoke {
		p.Title.Text += " — smoke run, figures meaningless"
	}
	p.X.Label.Text = "← aio slower        aio faster →"
	n := len(outs)
	p.NominalY(rowNames(outs)...)
	lo, hi := 0.0, 0.0
	for k, peer := range peers {
		vals := make(plotter.Values, n)
		var pts plotter.XYs
		var labels []string
		for i, o := range outs {
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
		if err := addBars(p, vals, pts, labels, runtimeColors[peer], groupOffset(k, len(peers))); err != nil {
			return nil, err
		}
	}
	if err := addTargets(p, outs); err != nil {
		return nil, err
	}
	// The 1× line, and room for the labels beyond the longest bars.
	one, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, err
	}
	one.Color = color.Black
	p.Add(one)
	p.X.Min = min(lo, -0.5) - 0.4
	p.X.Max = max(hi, 1) + 0.4
	p.X.Tick.Marker = plot.TickerFunc(ratioTicks)
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	p.Add(grid)
	return p, nil
}

// addBars adds one runtime's horizontal bars, each labelled past its end
// (on the bar's row, moved by the bar's offset within its group).
func addBars(p *plot.Plot, vals plotter.Values, pts plotter.XYs, labels []string, clr color.Color, offset vg.Length) error {
	bars, err := plotter.NewBarChart(vals, barWidth)
	if err != nil {
		return err
	}
	bars.Horizontal = true
	bars.Color = clr
	bars.LineStyle.Width = 0
	bars.Offset = offset
	p.Add(bars)
	if len(pts) == 0 {
		return nil
	}
	lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
	if err != nil {
		return err
	}
	lbl.Offset = vg.Point{Y: offset}
	for i := range lbl.TextStyle {
		lbl.TextStyle[i].Font.Size = vg.Points(6.5)
		lbl.TextStyle[i].YAlign = draw.YCenter
		if pts[i].X < 0 {
			lbl.TextStyle[i].XAlign = draw.XRight
		}
	}
	p.Add(lbl)
	return nil
}

// addTargets marks the speed-up targets with a dashed line across the
// workload's row, in the colour of the peer they are set against.
func addTargets(p *plot.Plot, outs []*Outcome) error {
	n := len(outs)
	for _, t := range Targets {
		i := slices.IndexFunc(outs, func(o *Outcome) bool { return o.Name == t.Workload })
		if i < 0 || t.Factor == 0 {
			continue
		}
		row, x := float64(n-1-i), math.Log10(t.Factor)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: row - 0.45}, {X: x, Y: row + 0.45}})
		if err != nil {
			return err
		}
		l.LineStyle = targetStyle(runtimeColors[t.Peer])
		p.Add(l)
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
