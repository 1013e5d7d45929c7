package aio

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aio-go/aio/internal/coro"
)

// The watchdog, debug mode only: a step that blocks the loop's thread (a
// task receiving from a plain channel, a callback sleeping) stops every
// task of the loop, and the slow-step warning, logged when the step ends,
// never comes if it never ends. So Run starts a goroutine that looks at
// the step running now, which the loop publishes with one atomic store at
// its start and its end, and reports a step still running after the
// slow-step threshold while it runs: the task's name (or the callback's
// function), where the step began, and the stack of the goroutine running
// it. It reports each step once, however long it blocks, with a warning
// (Temporal's deadlock detector fails a workflow whose step is merely
// slow): a slow step that ends is then also reported, as before, by the
// slow-step warning with its duration, which says that the watchdog
// reported it (reported_while_running). Off, nothing of this exists: the
// loop's step pays the branch on l.debug that it paid before.
//
// The stack is found by the goroutine's numeric id, which Go does not
// expose: a task's goroutine reads its own from the header of its
// runtime.Stack once, when its body starts (enterDebug), and the loop's
// goroutine, which runs the callbacks, when Run starts the watchdog. A
// task blocked inside a generator it resumed shows its own goroutine
// waiting in a coroutine switch; the report then adds the stacks of the
// generator bodies that are not waiting in one (generator_stack), the
// one that blocks among them.

// watchdog is what the loop and the watchdog's goroutine share.
type watchdog struct {
	step  atomic.Pointer[runningStep] // the step running now, nil between steps
	every time.Duration               // how often it looks
	stop  chan struct{}               // closed by Run to end it
	ended chan struct{}               // closed by the goroutine as it ends
	loopG int64                       // the loop goroutine's numeric id
}

// runningStep describes one step while it runs. The loop writes it before
// publishing it, except goid, which a task's first step fills in.
type runningStep struct {
	start   time.Time
	task    *taskBase // nil for a callback
	name    string    // the task's name, or the callback's function
	began   string    // where a task's step began
	created string    // where the task was created
	prev    *runningStep
	goid    atomic.Int64
	// state decides whether the watchdog reports the step before it
	// ends: stepRunning, then stepReported or stepEnded.
	state atomic.Int32
}

const (
	stepRunning int32 = iota
	stepReported
	stepEnded
)

// startWatchdog starts the watchdog of a loop in debug mode, from Run's
// goroutine, and returns the function that stops it and waits until its
// goroutine has ended.
func (l *Loop) startWatchdog() (stop func()) {
	w := &watchdog{
		every: max(l.slowStep/4, 100*time.Microsecond),
		stop:  make(chan struct{}),
		ended: make(chan struct{}),
		loopG: ownGoid(),
	}
	l.watch = w
	go w.run(l)
	return func() {
		close(w.stop)
		<-w.ended
	}
}

func (w *watchdog) run(l *Loop) {
	defer close(w.ended)
	tick := time.NewTicker(w.every)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
		}
		s := w.step.Load()
		if s == nil || time.Since(s.start) < l.slowStep || !s.state.CompareAndSwap(stepRunning, stepReported) {
			continue
		}
		w.report(l, s)
	}
}

// report logs s, a step still running after the threshold.
func (w *watchdog) report(l *Loop, s *runningStep) {
	d := time.Since(s.start)
	attrs := []any{"seconds", d.Seconds()}
	var msg string
	if s.task != nil {
		msg = fmt.Sprintf("task %s has been running for %.3f seconds: its step blocks the loop", s.name, d.Seconds())
		attrs = append(attrs, "task", s.name)
		if s.began != "" {
			attrs = append(attrs, "step_began_at", s.began)
		}
		if s.created != "" {
			attrs = append(attrs, "created_at", s.created)
		}
	} else {
		msg = fmt.Sprintf("callback %s has been running for %.3f seconds: it blocks the loop", s.name, d.Seconds())
		attrs = append(attrs, "callback", s.name)
	}
	if id := s.goid.Load(); id != 0 {
		all := allStacks()
		stack := goroutineStack(all, id)
		attrs = append(attrs, "goroutine", id, "stack", string(stack))
		if head, _, _ := bytes.Cut(stack, []byte("\n")); bytes.Contains(head, []byte("[coroutine]")) {
			// The step's goroutine waits in a coroutine switch: it has
			// resumed a generator, whose body runs on the task's behalf
			// and is what blocks.
			if bodies := runningBodies(all); len(bodies) > 0 {
				attrs = append(attrs, "generator_stack", string(bytes.Join(bodies, []byte("\n\n"))))
			}
		}
	}
	l.log.Warn(msg, attrs...)
}

// publish makes s the step running now, the one before it (a callback
// that another callback's step runs) coming back when s ends.
func (w *watchdog) publish(s *runningStep) {
	s.start = time.Now()
	s.prev = w.step.Load()
	w.step.Store(s)
}

// retire ends s and reports whether the watchdog had warned about it.
func (w *watchdog) retire(s *runningStep) (reported bool) {
	w.step.Store(s.prev)
	return !s.state.CompareAndSwap(stepRunning, stepEnded)
}

// stepBegins publishes the step of t that the loop is about to run, in
// debug mode.
func (l *Loop) stepBegins(t *taskBase) *runningStep {
	s := &runningStep{task: t, name: t.Name(), began: t.stepSite()}
	if d := t.debugOf(); d != nil {
		s.created = d.created
		s.goid.Store(d.goid)
	}
	l.watch.publish(s)
	return s
}

// callbackBegins publishes the callback fn that the loop is about to run,
// in debug mode.
func (l *Loop) callbackBegins(fn func()) *runningStep {
	s := &runningStep{name: funcName(fn)}
	s.goid.Store(l.watch.loopG)
	l.watch.publish(s)
	return s
}

// noteGoroutine records, in debug mode, the numeric id of the goroutine
// that runs t's body, from that goroutine, when the body starts: the
// watchdog needs it to show the goroutine's stack.
func (t *taskBase) noteGoroutine() {
	d := t.debugOf()
	if d == nil {
		return
	}
	d.goid = ownGoid()
	if s := t.node.loop.watch.step.Load(); s != nil && s.task == t {
		s.goid.Store(d.goid)
	}
}

// ownGoid returns the calling goroutine's numeric id, read from the header
// of its stack trace ("goroutine 18 [running]:").
func ownGoid() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b, _ = bytes.CutPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}

// allStacks returns the stack traces of all goroutines.
func allStacks() []byte {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// goroutineStack returns the stack trace of the goroutine whose numeric id
// is id, from all, a trace of all goroutines, or nil if it has none.
func goroutineStack(all []byte, id int64) []byte {
	head := []byte("goroutine " + strconv.FormatInt(id, 10) + " [")
	for block := range bytes.SplitSeq(all, []byte("\n\n")) {
		if bytes.HasPrefix(block, head) {
			return bytes.TrimRight(block, "\n")
		}
	}
	return nil
}

// bodyFrame is the frame at the bottom of every generator body's goroutine
// (a Coro of coro's shared pool).
var bodyFrame = []byte(strings.TrimSuffix(funcName(coro.NewPool), "NewPool") + "(*Coro).loop(")

// runningBodies returns, from all, the stacks of the generator bodies that
// are not waiting in a coroutine switch: those running now, or blocked in
// something else (a channel, a sleep, a syscall). A task's goroutine that
// waits in a switch during its step has resumed such a body: one of these
// is the one that blocks the loop.
func runningBodies(all []byte) [][]byte {
	var out [][]byte
	for block := range bytes.SplitSeq(all, []byte("\n\n")) {
		head, _, _ := bytes.Cut(block, []byte("\n"))
		if bytes.Contains(block, bodyFrame) && !bytes.Contains(head, []byte("[coroutine]")) {
			out = append(out, bytes.TrimRight(block, "\n"))
		}
	}
	return out
}
