package aio

// A generator body is part of the task that drives it.
//
// A task that resumes a generator (package gen, or an async generator)
// waits in the resume while the body runs on a coroutine of its own. The
// loop's thread is named by one atomic slot, Loop.curG, the goroutine of
// the task running now; every check of the kernel (current, owns, onThread,
// the nested-Run walk) compares against it. Run registers that slot with
// internal/coro (AddThread, in Loop.register), and every resume of a
// generator goes through coro.ResumeFrom (or its two halves, Lend and Next,
// in gen's fast paths, which keep the switch one call level nearer): when
// the resumer is the goroutine the slot names, the slot names the body's
// goroutine for the span of the resume, and the resumer's again when it
// comes back. So the body's awaits pass the checks as the task's own, a Run
// in the body is refused, and nothing else changes: the body's context is
// whatever the body awaits with, the task's.
//
// An await in the body parks the task from the body's goroutine
// (suspendLent): the runtime's coroutine switch is symmetric, so switching
// the task's coroutine out from there hands control to the loop, and the
// loop's next resume of the task's coroutine comes back to the body. While
// the task is parked, the slot names the task's own goroutine (the one the
// loop resumes, alive as long as the task), never the body's, which could
// end or serve another loop meanwhile; back in the body, it names the
// body's goroutine again.
//
// Cost: a resume made with no loop running pays one atomic load; one made
// by a task pays a compare per running loop and two atomic stores; an await
// in a body pays two stores more than a task's own. No lock, no channel, no
// allocation: BenchmarkASend* against gen's BenchmarkSend.

// Suspending a task hands control back to the loop until the task's next
// step; park and Sleep write it out where they switch (a frame less on
// every parked task's stack). The caller may be a generator body that the
// task resumed, on a goroutine of its own that the task lent its identity
// to (coro.ResumeFrom): the coroutine switch is symmetric, so suspending
// the task's coroutine from there hands control to the loop, and the
// loop's next resume of the task comes back there, on the body's
// goroutine. The loop's slot, not goid.G, tells the two apart: it names the
// goroutine running now (the await that parks checked it), and reading it
// is a load where goid.G is a call.

// suspendLent suspends the task from the goroutine g of a generator body
// that the task resumed.
func (t *taskBase) suspendLent(g uintptr) {
	l := t.node.loop
	l.curG.Store(t.co.G())
	t.co.Suspend()
	l.curG.Store(g)
}
