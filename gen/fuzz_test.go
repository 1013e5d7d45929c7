package gen_test

// FuzzProtocol drives generators with a sequence of Send, Next, Throw and
// Close decoded from the input, the generators' bodies themselves scripted
// by the input (yield, pass an error on, return, fail, return a
// StopIteration, panic, delegate to another scripted generator with YieldFrom
// or run one inline with YieldFromFunc), and checks
// every result against model: a plain sequential state machine of Python's
// generator protocol, with PEP 380 delegation and PEP 479.

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aio-go/aio/gen"
)

// What a scripted body does at a step.
const (
	actYield    = iota // yield a value, whatever it received (handles an error)
	actPass            // return the error it received, if any; else yield
	actReturn          // return a value
	actFail            // return a value and errFuzzFail, beside the error it received if any
	actStop            // return gen.Stop(v): PEP 479's bug
	actPanic           // panic
	actDelegate        // YieldFrom a new generator running another script
	actInline          // YieldFromFunc another script
	numActs
)

const (
	fuzzMaxDepth = 4  // generators in a delegation chain
	fuzzMaxNodes = 12 // generators in one run
	fuzzMaxOps   = 48
)

var errFuzzFail = errors.New("fuzz: body failed")

// fuzzFail is what a body that fails returns, having received err: a
// failure while handling a GeneratorExit is not a clean close.
func fuzzFail(err error) error {
	if err == nil {
		return errFuzzFail
	}
	return fuzzFailure{err}
}

// fuzzFailure is errFuzzFail raised while handling received; comparable, so
// that the model's error and the generator's compare equal.
type fuzzFailure struct{ received error }

func (e fuzzFailure) Error() string {
	return errFuzzFail.Error() + " (while handling: " + e.received.Error() + ")"
}
func (e fuzzFailure) Unwrap() []error { return []error{errFuzzFail, e.received} }

// The errors the fuzzer throws. nil checks ErrNilThrow; the two forms of
// GeneratorExit check that Throw of it closes a delegate first.
var fuzzThrown = []error{
	errors.New("fuzz: thrown A"),
	errors.New("fuzz: thrown B"),
	gen.ErrGeneratorExit,
	fmt.Errorf("fuzz: wrapped: %w", gen.ErrGeneratorExit),
	nil,
}

type fuzzAct struct{ kind, arg int }

type fuzzProgram struct {
	scripts [][]fuzzAct // scripts[0] is the top generator's
	ops     []fuzzOp
}

type fuzzOp struct {
	kind int // 0 Next, 1 Send, 2 Throw, 3 Close
	v    int // Send's value
	err  error
}

// prog encodes scripts and operations as decode reads them.
func prog(scripts [][]byte, ops ...byte) []byte {
	b := []byte{byte(len(scripts) - 1)}
	for _, s := range scripts {
		b = append(b, byte(len(s)))
		b = append(b, s...)
	}
	return append(b, ops...)
}

// decode reads a program: a script count, each script as a length and its
// actions, then the operations.
func decode(data []byte) fuzzProgram {
	i := 0
	next := func() int {
		if i >= len(data) {
			return 0
		}
		i++
		return int(data[i-1])
	}
	var p fuzzProgram
	n := 1 + next()%4
	for range n {
		l := next() % 7
		var s []fuzzAct
		for range l {
			b := next()
			s = append(s, fuzzAct{kind: b % numActs, arg: (b / numActs) % n})
		}
		p.scripts = append(p.scripts, s)
	}
	for i < len(data) && len(p.ops) < fuzzMaxOps {
		b := next()
		op := fuzzOp{kind: b % 4}
		switch op.kind {
		case 1:
			op.v = b / 4 % 3 // 0 is the zero value: Send(0) is Next
		case 2:
			op.err = fuzzThrown[(b/4)%len(fuzzThrown)]
		}
		p.ops = append(p.ops, op)
	}
	return p
}

func (p *fuzzProgram) act(script, step int) fuzzAct {
	if s := p.scripts[script]; step < len(s) {
		return s[step]
	}
	return fuzzAct{kind: actReturn}
}

// Values that tell generators and steps apart.
func fuzzYielded(id, step int) int  { return id*1000 + step }
func fuzzReturned(id, step int) int { return id*1000 + 500 + step }
func fuzzPanic(id int) string       { return fmt.Sprintf("fuzz: panic in generator %d", id) }

// received is what a body got at a Yield (yf false) or from a YieldFrom.
type received struct {
	yf  bool
	v   int
	err error
}

// ---- the model ----

const (
	mCreated = iota
	mSuspended
	mDone
)

// mgen is the model of one generator.
type mgen struct {
	m      *model
	id     int
	script int
	depth  int
	status int
	pc     int  // the step after the one it is suspended at
	inline bool // run by YieldFromFunc: no handle, unwound if it ignores an exit
	child  *mgen
	log    []received

	res      int
	resErr   error
	panicked bool
}

type model struct {
	p     *fuzzProgram
	nodes []*mgen
}

// outcome is what a resume gives: a value, an end or error, or a panic.
type outcome struct {
	v   int
	err error
	p   any
}

func (m *model) newGen(script, depth int, inline bool) *mgen {
	g := &mgen{m: m, id: len(m.nodes), script: script, depth: depth, inline: inline}
	m.nodes = append(m.nodes, g)
	return g
}

func (g *mgen) send(v int) outcome {
	switch g.status {
	case mDone:
		return outcome{err: gen.ErrStopIteration}
	case mCreated:
		return g.run(0, 0, nil)
	}
	if g.child != nil {
		o := g.child.send(v)
		return g.afterChild(o)
	}
	g.log = append(g.log, received{v: v})
	return g.run(g.pc, v, nil)
}

func (g *mgen) throw(err error) outcome {
	switch g.status {
	case mDone:
		return outcome{err: err}
	case mCreated:
		g.status, g.resErr = mDone, err
		return outcome{err: err}
	}
	if g.child != nil {
		if errors.Is(err, gen.ErrGeneratorExit) {
			// PEP 380 closes the delegate with a plain GeneratorExit; an
			// inline one gets the error thrown, as it was thrown.
			exit := gen.ErrGeneratorExit
			if g.child.inline {
				exit = err
			}
			cerr, p := g.child.closeWith(exit)
			if p != nil {
				return g.afterChild(outcome{p: p})
			}
			if cerr == nil {
				cerr = err
			}
			return g.afterChild(outcome{err: cerr})
		}
		return g.afterChild(g.child.throw(err))
	}
	g.log = append(g.log, received{err: err})
	return g.run(g.pc, 0, err)
}

func (g *mgen) close() (error, any) { return g.closeWith(gen.ErrGeneratorExit) }

func (g *mgen) closeWith(exit error) (error, any) {
	switch g.status {
	case mCreated:
		g.status = mDone
		return nil, nil
	case mDone:
		return nil, nil
	}
	o := g.throw(exit)
	var st *gen.StopIteration[int]
	switch {
	case o.p != nil:
		return nil, o.p
	case o.err == nil:
		if g.inline {
			// Unwound at the Yield it ignored the exit at.
			g.status, g.resErr = mDone, gen.ErrIgnoredExit
		}
		return gen.ErrIgnoredExit, nil
	case errors.As(o.err, &st), errors.Is(o.err, gen.ErrGeneratorExit) && !errors.Is(o.err, errFuzzFail):
		// The exit alone: the only other error a body returns beside
		// one is errFuzzFail.
		return nil, nil
	}
	return o.err, nil
}

// afterChild handles what the delegate's resume gave: its value passes
// out, its panic unwinds this body, and its end resumes this body.
func (g *mgen) afterChild(o outcome) outcome {
	switch {
	case o.p != nil:
		g.child = nil
		g.status, g.panicked = mDone, true
		return o
	case o.err == nil:
		return o
	}
	g.child = nil
	r, err := fuzzResult(o.err)
	g.log = append(g.log, received{yf: true, v: r, err: err})
	return g.run(g.pc, r, err)
}

// fuzzResult is YieldFrom's results for a delegate's end.
func fuzzResult(end error) (int, error) {
	var st *gen.StopIteration[int]
	if errors.As(end, &st) {
		return st.Value, nil
	}
	if end == gen.ErrStopIteration {
		return 0, nil
	}
	return 0, end
}

// run runs the body from step i, having received (v, err), until it yields,
// ends or panics.
func (g *mgen) run(i, v int, err error) outcome {
	g.status = mSuspended
	for ; ; i++ {
		a := g.m.p.act(g.script, i)
		switch a.kind {
		case actPass:
			if err != nil {
				return g.end(0, err)
			}
			fallthrough
		case actYield:
			g.pc = i + 1
			return outcome{v: fuzzYielded(g.id, i)}
		case actReturn:
			return g.end(fuzzReturned(g.id, i), nil)
		case actFail:
			return g.end(fuzzReturned(g.id, i), fuzzFail(err))
		case actStop:
			return g.end(0, gen.Stop(fuzzYielded(g.id, i)))
		case actPanic:
			g.status, g.panicked = mDone, true
			return outcome{p: fuzzPanic(g.id)}
		case actDelegate, actInline:
			if g.depth+1 >= fuzzMaxDepth || len(g.m.nodes) >= fuzzMaxNodes {
				g.pc = i + 1
				return outcome{v: fuzzYielded(g.id, i)}
			}
			g.pc = i + 1
			g.child = g.m.newGen(a.arg, g.depth+1, a.kind == actInline)
			o := g.child.send(0)
			if o.p != nil || o.err == nil {
				return g.afterChild(o)
			}
			g.child = nil
			v, err = fuzzResult(o.err)
			g.log = append(g.log, received{yf: true, v: v, err: err})
		}
	}
}

func (g *mgen) end(r int, err error) outcome {
	g.status, g.res = mDone, r
	if err == nil {
		return outcome{err: &gen.StopIteration[int]{Value: r}}
	}
	if errors.Is(err, gen.ErrStopIteration) {
		err = &gen.RaisedStopIteration{Err: err}
	}
	g.resErr = err
	return outcome{err: err}
}

// ---- the generators under test ----

type fuzzRun struct {
	p    *fuzzProgram
	gens []*intGen
	logs [][]received
}

func (r *fuzzRun) newGen(script, depth int) *intGen {
	g := gen.New(r.newBody(script, depth))
	r.gens[len(r.gens)-1] = g
	return g
}

// newBody returns the body of a scripted generator, registered with no
// handle: newGen gives it one; YieldFromFunc runs it without.
func (r *fuzzRun) newBody(script, depth int) func(*intY) (int, error) {
	id := len(r.gens)
	r.logs = append(r.logs, nil)
	r.gens = append(r.gens, nil)
	return func(y *intY) (int, error) {
		v, err := 0, error(nil)
		for i := 0; ; i++ {
			a := r.p.act(script, i)
			switch a.kind {
			case actPass:
				if err != nil {
					return 0, err
				}
				fallthrough
			case actYield:
				v, err = y.Yield(fuzzYielded(id, i))
				r.logs[id] = append(r.logs[id], received{v: v, err: err})
			case actReturn:
				return fuzzReturned(id, i), nil
			case actFail:
				return fuzzReturned(id, i), fuzzFail(err)
			case actStop:
				return 0, gen.Stop(fuzzYielded(id, i))
			case actPanic:
				panic(fuzzPanic(id))
			case actDelegate, actInline:
				if depth+1 >= fuzzMaxDepth || len(r.gens) >= fuzzMaxNodes {
					v, err = y.Yield(fuzzYielded(id, i))
					r.logs[id] = append(r.logs[id], received{v: v, err: err})
					continue
				}
				if a.kind == actInline {
					v, err = gen.YieldFromFunc(y, r.newBody(a.arg, depth+1))
				} else {
					v, err = gen.YieldFrom(y, r.newGen(a.arg, depth+1))
				}
				r.logs[id] = append(r.logs[id], received{yf: true, v: v, err: err})
			}
		}
	}
}

// ---- comparing ----

// sameErr reports whether got is the error the model expects.
func sameErr(got, want error) bool {
	var wst *gen.StopIteration[int]
	if errors.As(want, &wst) && want == error(wst) {
		gst, ok := got.(*gen.StopIteration[int])
		return ok && gst.Value == wst.Value
	}
	if wf, ok := want.(fuzzFailure); ok {
		gf, ok := got.(fuzzFailure)
		return ok && sameErr(gf.received, wf.received)
	}
	if wr, ok := want.(*gen.RaisedStopIteration); ok {
		gr, ok := got.(*gen.RaisedStopIteration)
		return ok && sameErr(gr.Err, wr.Err)
	}
	return got == want
}

func (g *mgen) checkResult(t *testing.T, impl *intGen, when string) {
	t.Helper()
	if impl.Done() != (g.status == mDone) {
		t.Fatalf("%s: generator %d: Done = %v, model status %d", when, g.id, impl.Done(), g.status)
	}
	r, err := impl.Result()
	switch {
	case g.status != mDone:
		if err != gen.ErrNotDone {
			t.Fatalf("%s: generator %d: Result error %v, want ErrNotDone", when, g.id, err)
		}
	case g.panicked:
		if r != 0 || err == nil || err == gen.ErrNotDone {
			t.Fatalf("%s: generator %d: Result = (%v, %v) after a panic", when, g.id, r, err)
		}
	case r != g.res || !sameErr(err, g.resErr):
		t.Fatalf("%s: generator %d: Result = (%v, %v), want (%v, %v)", when, g.id, r, err, g.res, g.resErr)
	}
}

func (r *fuzzRun) check(t *testing.T, m *model, when string) {
	t.Helper()
	if len(r.gens) != len(m.nodes) {
		t.Fatalf("%s: %d generators created, model %d", when, len(r.gens), len(m.nodes))
	}
	for i, g := range m.nodes {
		if r.gens[i] != nil { // an inline delegate has no handle
			g.checkResult(t, r.gens[i], when)
		}
		got, want := r.logs[i], g.log
		if len(got) != len(want) {
			t.Fatalf("%s: generator %d received %v, model %v", when, i, got, want)
		}
		for k := range got {
			if got[k].yf != want[k].yf || got[k].v != want[k].v || !sameErr(got[k].err, want[k].err) {
				t.Fatalf("%s: generator %d received %v, model %v", when, i, got, want)
			}
		}
	}
}

func callGen(f func() (int, error)) (o outcome) {
	defer func() {
		if p := recover(); p != nil {
			o = outcome{p: p}
		}
	}()
	v, err := f()
	return outcome{v: v, err: err}
}

func FuzzProtocol(f *testing.F) {
	y, pass, ret, fail, stop, pnc := byte(actYield), byte(actPass), byte(actReturn), byte(actFail), byte(actStop), byte(actPanic)
	deleg := func(script int) byte { return byte(actDelegate + numActs*script) }
	inl := func(script int) byte { return byte(actInline + numActs*script) }
	const next, closeOp = 0, 3
	send := func(v int) byte { return byte(1 + 4*v) }
	throw := func(i int) byte { return byte(2 + 4*i) } // fuzzThrown[i]
	thrownA, thrownGE, thrownWrappedGE, thrownNil := 0, 2, 3, 4
	for _, seed := range [][]byte{
		prog([][]byte{{y, y, ret}}, next, send(1), send(2), closeOp),
		prog([][]byte{{y, pass}}, next, next, throw(thrownA), next),
		prog([][]byte{{y, y, y}}, next, closeOp, closeOp, closeOp),
		prog([][]byte{{y, fail}}, next, throw(thrownNil), next, next),
		prog([][]byte{{y, stop}}, next, next, next),
		prog([][]byte{{pass, pnc}}, next, next, closeOp, next),
		prog([][]byte{{y}}, send(1), closeOp, next),
		prog([][]byte{{y}}, throw(thrownA), next),
		prog([][]byte{{y, deleg(1), y}, {y, y, ret}}, next, next, send(2), next, next, next),
		prog([][]byte{{deleg(1), pass}, {y, pass}}, next, throw(thrownA), next),
		prog([][]byte{{deleg(1), y}, {y, y, y}}, next, next, closeOp, closeOp),
		prog([][]byte{{deleg(1), pass}, {y, stop}}, next, next),
		prog([][]byte{{y, deleg(1)}, {y, pnc}}, next, next, send(1)),
		prog([][]byte{{deleg(1), y}, {deleg(2), y, deleg(2)}, {y, ret}}, next, next, next, next, next, next),
		prog([][]byte{{deleg(1), pass}, {deleg(2), pass}, {y, y}}, next, throw(thrownGE), next),
		prog([][]byte{{deleg(1), y, y}, {deleg(2), y}, {y, y}}, next, throw(thrownWrappedGE), closeOp),
		prog([][]byte{{deleg(1), deleg(1), y}, {ret}}, next, next),
		prog([][]byte{{deleg(0), y}}, next, next, next, closeOp), // delegates until the limits
		prog([][]byte{{y, deleg(1), y, deleg(2), y}, {y, deleg(2), y, deleg(3), ret}, {y, ret}, {fail}},
			next, send(1), send(2), next, send(1), next, next, next, next, next, next),
		prog([][]byte{{inl(1), y}, {y, y, ret}}, next, send(2), next, next, closeOp),
		prog([][]byte{{inl(1), y, y}, {y, y, y}}, next, closeOp, next, closeOp),                 // ignores the exit
		prog([][]byte{{inl(1), pass}, {inl(2), y, y}, {y, y, y}}, next, closeOp, closeOp),       // both ignore it
		prog([][]byte{{inl(1), pass}, {inl(2), pass}, {y, pass}}, next, throw(thrownWrappedGE)), // closed through two
		prog([][]byte{{inl(1), pass}, {y, pass}}, next, throw(thrownA), next),
		prog([][]byte{{inl(1), y}, {deleg(2), y}, {y, y}}, next, next, closeOp, closeOp), // inline, then a handle
		prog([][]byte{{deleg(1), y}, {inl(2), y}, {y, y}}, next, next, closeOp, closeOp), // a handle, then inline
		prog([][]byte{{inl(1), y}, {y, stop}}, next, next, next),
		prog([][]byte{{inl(1), y}, {y, pnc}}, next, next, next),
		prog([][]byte{{inl(0), y}}, next, next, next, closeOp),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := decode(data)
		m := &model{p: &p}
		top := m.newGen(0, 0, false)
		run := &fuzzRun{p: &p}
		g := run.newGen(0, 0)
		for k, op := range p.ops {
			var want, got outcome
			var name string
			switch op.kind {
			case 0:
				name = "Next"
				want = top.send(0)
				got = callGen(g.Next)
			case 1:
				name = fmt.Sprintf("Send(%d)", op.v)
				if top.status == mCreated && op.v != 0 {
					want = outcome{err: gen.ErrNonZeroStart}
				} else {
					want = top.send(op.v)
				}
				got = callGen(func() (int, error) { return g.Send(op.v) })
			case 2:
				name = fmt.Sprintf("Throw(%v)", op.err)
				if op.err == nil {
					want = outcome{err: gen.ErrNilThrow}
				} else {
					want = top.throw(op.err)
				}
				got = callGen(func() (int, error) { return g.Throw(op.err) })
			case 3:
				name = "Close"
				err, pv := top.close()
				want = outcome{err: err, p: pv}
				got = callGen(func() (int, error) { return 0, g.Close() })
			}
			when := fmt.Sprintf("op %d, %s", k, name)
			if got.p != want.p || got.v != want.v || !sameErr(got.err, want.err) {
				t.Fatalf("%s = (%v, %v, panic %v), model (%v, %v, panic %v)", when, got.v, got.err, got.p, want.v, want.err, want.p)
			}
			run.check(t, m, when)
		}
		// End every generator, the top first, so that no goroutine is left:
		// a delegate that ignored its owner's close is suspended still.
		for i := 0; i < len(run.gens); i++ { // closing may create more
			g := run.gens[i]
			if g == nil {
				continue // inline: ended with the generator that ran it
			}
			for range fuzzMaxOps {
				if g.Done() {
					break
				}
				mg := m.nodes[i]
				err, pv := mg.close()
				got := callGen(func() (int, error) { return 0, g.Close() })
				if got.p != pv || !sameErr(got.err, err) {
					t.Fatalf("final Close of generator %d = (%v, panic %v), model (%v, panic %v)", i, got.err, got.p, err, pv)
				}
			}
			if !g.Done() {
				t.Fatalf("generator %d not done after repeated Close", i)
			}
		}
		run.check(t, m, "after the final closes")
	})
}
