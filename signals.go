package aio

import (
	"errors"
	"os"
	"os/signal"
)

// ErrInterrupted is the cause with which a signal cancels the main task
// under WithSignals.
var ErrInterrupted = errors.New("aio: interrupted by a signal")

// WithSignals makes SIGINT and SIGTERM stop the program as asyncio.Runner
// does with Ctrl-C: the first signal cancels the main task (its cause is
// ErrInterrupted), so it can clean up and Run can shut down in order; a
// second signal exits the process at once, with status 128+signal.
func WithSignals() Option { return Option{func(c *config) { c.signals = true }} }

// exit is os.Exit; tests replace it.
var exit = os.Exit

// handleSignals installs the handler for main and returns its stop.
func (l *Loop) handleSignals(main *taskBase) func() {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		l.post(func() { main.Cancel(ErrInterrupted) })
		select {
		case s := <-ch:
			exit(128 + signalNumber(s))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
