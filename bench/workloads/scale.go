package workloads

import (
	"context"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// The scaling workloads: what one operation costs with 1, 1,000 and
// 100,000 tasks or timers alive, where the headline workloads have one or
// two. ready_N: N tasks take turns at Sleep(0), one step is one op.
// timers_N: with N timers pending an hour away, one op arms a timer among
// them and cancels it, as a timeout that does not expire does. Their size
// counts ops; a size below N (a smoke run) makes N the size. The Python
// worker has both for asyncio and uvloop. Plain Go has no loop to measure
// against, so they are aio's only.

// scaleCounts are the N of the scaling workloads' names.
var scaleCounts = []struct {
	suffix string
	n      int
}{{"1", 1}, {"1k", 1_000}, {"100k", 100_000}}

func init() {
	for _, c := range scaleCounts {
		table = append(table,
			entry{"ready_" + c.suffix, warm(readyAIO(c.n), nil)},
			entry{"timers_" + c.suffix, warm(timersAIO(c.n), nil)},
		)
	}
}

// readyAIO is ready_<count>: min(count, size) tasks each await Sleep(0)
// size/count times (at least once), gathered by awaiting each in turn. The
// tasks are created, and take their first step to their first Sleep(0),
// before the clock starts: what it times is the steps alone (the last of
// each task's returns from it).
func readyAIO(count int) func(size int) (measure, error) {
	return func(size int) (measure, error) {
		n := min(count, size)
		rounds := max(1, size/n)
		return inLoop(func(ctx context.Context) (measure, error) {
			started := 0
			step := func(ctx context.Context) (struct{}, error) {
				started++
				return struct{}{}, sleepZero(ctx, rounds)
			}
			tasks := make([]*aio.Task[struct{}], n)
			for i := range tasks {
				t, err := aio.CreateTask(ctx, step)
				if err != nil {
					return measure{}, err
				}
				tasks[i] = t
			}
			// The tasks were made ready before this task's Sleep(0), so each
			// takes its first step before it resumes.
			if err := aio.Sleep(ctx, 0); err != nil {
				return measure{}, err
			}
			if started != n {
				return measure{}, fmt.Errorf("%d of %d tasks started before the clock", started, n)
			}
			return timed(n*rounds, func() error {
				for _, t := range tasks {
					if _, err := t.Await(ctx); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}

// timerGap spaces the pending timers: the i-th is due at an hour and
// i·timerGap, and each op's timer falls between two of them.
const timerGap = time.Millisecond

// timerYield is how many ops the timing loop runs between two Sleep(0)s,
// which let the loop do what a runtime leaves for its next iteration
// (uvloop closes a cancelled timer's handle there).
const timerYield = 1000

// timersAIO is timers_<count>: min(count, size) timers pending an hour
// away, then size times a timer armed between two of them (CallLater) and
// cancelled at once.
func timersAIO(count int) func(size int) (measure, error) {
	return func(size int) (measure, error) {
		n := min(count, size)
		return inLoop(func(ctx context.Context) (measure, error) {
			noop := func() {}
			pending := make([]*aio.Handle, n)
			for i := range pending {
				h, err := aio.CallLater(ctx, time.Hour+time.Duration(i)*timerGap, noop)
				if err != nil {
					return measure{}, err
				}
				pending[i] = h
			}
			delays := make([]time.Duration, size)
			for k := range delays {
				delays[k] = time.Hour + time.Duration(k*7919%n)*timerGap + timerGap/2
			}
			m, err := timed(size, func() error {
				for k, d := range delays {
					h, err := aio.CallLater(ctx, d, noop)
					if err != nil {
						return err
					}
					if !h.Cancel() {
						return fmt.Errorf("timer %d: not cancelled", k)
					}
					if k%timerYield == timerYield-1 {
						if err := aio.Sleep(ctx, 0); err != nil {
							return err
						}
					}
				}
				return nil
			})
			for _, h := range pending {
				h.Cancel()
			}
			return m, err
		})
	}
}
