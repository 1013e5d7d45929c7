package aio

import "time"

// clock is the loop's one source of time. Times are nanoseconds since the
// loop started, so that timers compare integers; Now turns them into a
// time.Time for the API.
type clock interface {
	// now returns the loop time.
	now() int64
	// wait blocks until the loop time reaches deadline or wake has
	// something, whichever comes first; deadline < 0 means no deadline.
	// The virtual clock never blocks: it is only called when nothing can
	// happen before deadline, and jumps there.
	wait(deadline int64, wake <-chan struct{})
	// epoch is the time.Time of loop time 0.
	epoch() time.Time
	virtual() bool
}

// realClock is the monotonic clock of the machine.
type realClock struct {
	start time.Time
	timer *time.Timer
}

func newRealClock() *realClock {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &realClock{start: time.Now(), timer: t}
}

func (c *realClock) now() int64       { return int64(time.Since(c.start)) }
func (c *realClock) epoch() time.Time { return c.start }
func (c *realClock) virtual() bool    { return false }

func (c *realClock) wait(deadline int64, wake <-chan struct{}) {
	if deadline < 0 {
		<-wake
		return
	}
	d := time.Duration(deadline - c.now())
	if d <= 0 {
		return
	}
	c.timer.Reset(d)
	select {
	case <-wake:
	case <-c.timer.C:
	}
	c.timer.Stop()
}

// virtualClock stands still while tasks run and jumps to the next deadline
// when every task waits on timers alone (trio's MockClock with
// autojump_threshold=0). Its epoch is fixed, so a program that prints
// absolute times prints the same on every run.
type virtualClock struct {
	t int64
}

// virtualEpoch is loop time 0 on the virtual clock.
var virtualEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func (c *virtualClock) now() int64       { return c.t }
func (c *virtualClock) epoch() time.Time { return virtualEpoch }
func (c *virtualClock) virtual() bool    { return true }

func (c *virtualClock) wait(deadline int64, wake <-chan struct{}) {
	if deadline > c.t {
		c.t = deadline
	}
}
