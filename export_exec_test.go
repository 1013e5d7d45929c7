package aio

// White-box hooks for the behaviour tests of executors, thread-safe
// submission and signals (package aio_test).

// SetExitHook replaces the function the signal handler calls on a second
// signal (os.Exit) with f, and returns a function that restores it. Call
// both while no Run with WithSignals is running.
func SetExitHook(f func(code int)) (restore func()) {
	old := exit
	exit = f
	return func() { exit = old }
}

// CountInboxWakeups makes every wake-up signal that a post to l's inbox
// sends pile up instead of being coalesced by a one-slot channel, and
// returns a function that counts the signals not yet consumed by the loop.
// Call it, and the counter, on the loop's thread (from a task of l) while
// no other goroutine posts to l.
func CountInboxWakeups(l *Loop) (pending func() int) {
	l.inbox.wake = make(chan struct{}, 1<<20)
	return func() int { return len(l.inbox.wake) }
}
