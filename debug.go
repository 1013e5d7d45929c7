package aio

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"time"
)

// Debug mode, PYTHONASYNCIODEBUG: turned on by WithDebug or the environment
// variable AIODEBUG=1. It warns, through log/slog, about a step that held the
// loop longer than a threshold (a blocking call in a task), naming the task
// and the await it resumed from; it records where each task was created and
// shows it in its reports; and when main returns it reports the tasks still
// pending and, at the end, the errors nobody retrieved. Its watchdog
// (watchdog.go) reports a step that blocks the loop while it still runs.
// Off, it costs a branch per step.

// DefaultSlowStep is the debug mode's threshold for a slow step, asyncio's
// slow_callback_duration.
const DefaultSlowStep = 100 * time.Millisecond

// WithDebug turns on debug mode, as PYTHONASYNCIODEBUG=1 does for asyncio;
// AIODEBUG=1 in the environment does the same for every Run. A step that
// still runs after the slow-step threshold (WithSlowStep) is reported once
// while it runs, with the task or callback, where the step began, and the
// stack of its goroutine ("stack"); when that goroutine only waits for a
// generator body it resumed, the report adds the stacks of the generator
// bodies running or blocked at that moment ("generator_stack").
func WithDebug() Option { return Option{func(c *config) { c.debug = true }} }

// WithSlowStep sets the debug mode's threshold for a slow step (100 ms by
// default); d <= 0 keeps the default, where asyncio's 0 would report every
// step. It does not turn debug mode on.
func WithSlowStep(d time.Duration) Option { return Option{func(c *config) { c.slowStep = d }} }

// WithLogger sets where debug mode's warnings go (slog.Default() if not
// given).
func WithLogger(log *slog.Logger) Option { return Option{func(c *config) { c.logger = log }} }

// debugInfo is what debug mode keeps about a task.
type debugInfo struct {
	created string // where CreateTask was called
	resumed string // the await the task parked in last
	goid    int64  // the numeric id of its goroutine, for the watchdog
}

func debugFromEnv() bool { return os.Getenv("AIODEBUG") == "1" }

// callerSite returns "function file:line" of the caller skip frames up,
// skipping frames of this package.
func callerSite(skip int) string {
	pcs := make([]uintptr, 16)
	n := runtime.Callers(skip+1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !isAioFrame(f.Function) || !more {
			return fmt.Sprintf("%s %s:%d", f.Function, f.File, f.Line)
		}
	}
}

var aioPrefix = func() string {
	name := runtime.FuncForPC(callerPC()).Name() // ".../aio.callerPC"
	return name[:len(name)-len("callerPC")]
}()

//go:noinline
func callerPC() uintptr {
	pc, _, _, _ := runtime.Caller(0)
	return pc
}

func isAioFrame(fn string) bool {
	return len(fn) >= len(aioPrefix) && fn[:len(aioPrefix)] == aioPrefix
}

// noteCreated records where a task was created, in debug mode. Debug
// information lives in a map of the loop rather than in every task: a task's
// size decides its allocation class.
func (l *Loop) noteCreated(t *taskBase) {
	if l.debugInfo == nil {
		l.debugInfo = make(map[*taskBase]*debugInfo)
	}
	l.debugInfo[t] = &debugInfo{created: callerSite(3)}
}

// debugOf returns the debug information of t, or nil.
func (t *taskBase) debugOf() *debugInfo {
	if l := t.node.loop; l.debugInfo != nil {
		return l.debugInfo[t]
	}
	return nil
}

// noteParked records the await a task parks in, in debug mode.
func (t *taskBase) noteParked() {
	if d := t.debugOf(); d != nil {
		d.resumed = callerSite(3)
	}
}

// stepSite is where the task's next step begins: the await it is parked
// in, or for its first step, where it was created.
func (t *taskBase) stepSite() string {
	d := t.debugOf()
	switch {
	case d == nil:
		return ""
	case d.resumed != "":
		return d.resumed
	}
	return "start of the task, created at " + d.created
}

// stepTook ends the step s of t, in debug mode, and reports it if it was
// slow: the task, how long, and where the step began. If the watchdog
// reported the step while it ran, the warning says so
// (reported_while_running), so that the two records can be matched.
func (l *Loop) stepTook(t *taskBase, s *runningStep) {
	reported := l.watch.retire(s)
	d := time.Since(s.start)
	if d < l.slowStep {
		return
	}
	attrs := []any{"task", t.Name(), "seconds", d.Seconds()}
	if s.began != "" {
		attrs = append(attrs, "step_began_at", s.began)
	}
	if s.created != "" {
		attrs = append(attrs, "created_at", s.created)
	}
	l.logTook(reported, fmt.Sprintf("executing task %s took %.3f seconds", t.Name(), d.Seconds()), attrs)
}

// callbackTook ends the callback s, in debug mode, and reports it if it was
// slow, naming its function; see stepTook.
func (l *Loop) callbackTook(s *runningStep) {
	reported := l.watch.retire(s)
	d := time.Since(s.start)
	if d < l.slowStep {
		return
	}
	l.logTook(reported, fmt.Sprintf("executing callback %s took %.3f seconds", s.name, d.Seconds()),
		[]any{"callback", s.name, "seconds", d.Seconds()})
}

func (l *Loop) logTook(reported bool, msg string, attrs []any) {
	if reported {
		attrs = append(attrs, "reported_while_running", true)
	}
	l.log.Warn(msg, attrs...)
}

// reportPending reports, in debug mode, the tasks still pending when main
// returned: Run is about to cancel them.
func (l *Loop) reportPending() {
	for _, t := range l.liveTasks() {
		attrs := []any{"task", t.Name()}
		if d := t.debugOf(); d != nil {
			attrs = append(attrs, "created_at", d.created)
		}
		l.log.Warn("task still pending when main returned: cancelling it", attrs...)
	}
}

// reportUnretrieved reports, in debug mode, an error nobody retrieved.
func (l *Loop) reportUnretrieved(t *taskBase) {
	attrs := []any{"task", t.Name(), "error", t.err}
	if d := t.debugOf(); d != nil {
		attrs = append(attrs, "created_at", d.created)
	}
	l.log.Error("task error was never retrieved", attrs...)
}
