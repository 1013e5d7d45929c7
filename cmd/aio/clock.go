package main

import "time"

// clock is the tour's time. The examples read and spend time only through
// it, so the same code runs as a live demo and as an exact, instant test.
type clock interface {
	Now() time.Time
	Sleep(d time.Duration)
}

// realClock is the wall clock: Sleep blocks.
type realClock struct{}

func (realClock) Now() time.Time        { return time.Now() }
func (realClock) Sleep(d time.Duration) { time.Sleep(d) }

// virtualClock stands still until someone sleeps, then jumps by exactly the
// duration without blocking, so times print as 0.500 rather than 0.501.
// The zero value is ready to use. It is not safe for concurrent use, and
// needs not be: a generator's body runs only while its caller waits.
type virtualClock struct {
	now time.Time
}

func (c *virtualClock) Now() time.Time { return c.now }

// Sleep advances the clock by d; a negative d, like time.Sleep's, is no
// sleep at all.
func (c *virtualClock) Sleep(d time.Duration) {
	if d > 0 {
		c.now = c.now.Add(d)
	}
}
