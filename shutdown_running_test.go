package aio_test

// The loop keeps running while Run shuts down, as asyncio.run awaits
// shutdown_default_executor on the still-running loop: what is submitted to
// the loop during the shutdown either runs exactly once or is refused at
// the call with ErrLoopClosed, never accepted and dropped.

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// etLeftoverJob starts a leftover task whose executor job ignores its
// context: once main has returned and the leftover's await is cancelled,
// the job runs on while Run waits for the default executor. The job calls
// during(loop) then.
func etLeftoverJob(ctx context.Context, during func(loop *aio.Loop)) error {
	loop, err := aio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	started := make(chan struct{})
	err = aio.Go(ctx, func(ctx context.Context) error {
		_, err := aio.ToThread(ctx, func(jctx context.Context) (int, error) {
			close(started)
			<-jctx.Done() // the leftover's await is cancelled at shutdown
			during(loop)
			return 0, nil
		})
		return err
	}, aio.WithName("leftover"))
	if err != nil {
		return err
	}
	if err := aio.Sleep(ctx, 0); err != nil {
		return err
	}
	_, err = etRecv(started, "the job's start")
	return err
}

// etWithin waits for ch to be closed for at most d: a job that waits for
// the loop gives up, so that a loop that does not run fails the test
// instead of stalling it.
func etWithin(ch <-chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

func TestShutdownKeepsLoopRunningForExecutorJobs(t *testing.T) {
	// Each job gives up after giveUp: a loop that does not run during the
	// executor's shutdown then fails the test instead of stalling Run for
	// the executor wait.
	const giveUp = etPatience / 2
	opts := []aio.Option{aio.WithExecutorWait(etPatience)}

	t.Run("a callback that a job posts runs while Run waits for the job", func(t *testing.T) {
		var postErr error
		ran := make(chan struct{})
		err := etRun(t, opts, func(ctx context.Context) error {
			return etLeftoverJob(ctx, func(loop *aio.Loop) {
				postErr = loop.CallSoonThreadsafe(func() { close(ran) })
				etWithin(ran, etPatience/2)
			})
		})
		if err != nil {
			t.Errorf("Run = %v, want <nil>", err)
		}
		if postErr != nil {
			t.Fatalf("CallSoonThreadsafe from the job = %v, want <nil>", postErr)
		}
		select {
		case <-ran:
		default:
			t.Error("CallSoonThreadsafe accepted the job's callback, which never ran")
		}
	})

	t.Run("a coroutine that a job submits completes its future, cancelled like a leftover", func(t *testing.T) {
		var (
			f      *aio.ConcurrentFuture[int]
			subErr error
			ran    bool
		)
		err := etRun(t, opts, func(ctx context.Context) error {
			return etLeftoverJob(ctx, func(loop *aio.Loop) {
				f, subErr = aio.RunCoroutineThreadsafe(loop, func(context.Context) (int, error) {
					ran = true
					return 1, nil
				})
				if subErr == nil {
					wctx, cancel := context.WithTimeout(context.Background(), giveUp)
					defer cancel()
					f.Wait(wctx)
				}
			})
		})
		if err != nil {
			t.Errorf("Run = %v, want <nil>", err)
		}
		if subErr != nil {
			t.Fatalf("RunCoroutineThreadsafe from the job = %v, want <nil>", subErr)
		}
		select {
		case <-f.Done():
		default:
			t.Fatal("the future of a coroutine accepted during the shutdown is still pending after Run")
		}
		if _, err := f.Result(); etWantCancel(err, aio.ErrLoopShutdown) != nil {
			t.Errorf("the future's error: %v", etWantCancel(err, aio.ErrLoopShutdown))
		}
		if ran {
			t.Error("a coroutine submitted after main returned ran its function")
		}
	})
}

func TestShutdownRunsCallbacksScheduledBeforeMainReturned(t *testing.T) {
	var soon, threadsafe bool
	err := etRun(t, []aio.Option{aio.WithVirtualClock()}, func(ctx context.Context) error {
		if _, err := aio.CallSoon(ctx, func() { soon = true }); err != nil {
			return err
		}
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		return loop.CallSoonThreadsafe(func() { threadsafe = true })
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !soon {
		t.Error("a CallSoon callback that main scheduled before returning never ran")
	}
	if !threadsafe {
		t.Error("a CallSoonThreadsafe callback accepted before main returned never ran")
	}
}

func TestTheVirtualClockStandsStillWhileRunWaitsForTheExecutor(t *testing.T) {
	var (
		returned, seen time.Time
		fired          bool
		postErr        error
	)
	err := etRun(t, []aio.Option{aio.WithVirtualClock(), aio.WithExecutorWait(etPatience)}, func(ctx context.Context) error {
		// The only timer left after main: with the clock jumping while the
		// job runs, it would fire.
		if _, err := aio.CallLater(ctx, time.Hour, func() { fired = true }); err != nil {
			return err
		}
		err := etLeftoverJob(ctx, func(loop *aio.Loop) {
			ran := make(chan struct{})
			postErr = loop.CallSoonThreadsafe(func() {
				seen = aio.Now(ctx)
				close(ran)
			})
			etWithin(ran, etPatience/2)
		})
		returned = aio.Now(ctx)
		return err
	})
	if err != nil || postErr != nil {
		t.Fatalf("Run = %v, CallSoonThreadsafe = %v", err, postErr)
	}
	if !seen.Equal(returned) {
		t.Errorf("the job's callback saw the loop time %v, want %v: the time main returned", seen, returned)
	}
	if fired {
		t.Error("an hour-long timer fired while Run waited for a running job")
	}
}

func TestShutdownNeverDropsAcceptedThreadsafeCalls(t *testing.T) {
	// Goroutines post callbacks and coroutines in a loop across the whole
	// shutdown (leftovers, the executor, the close) until the loop refuses
	// them. Every accepted callback runs exactly once; every accepted
	// coroutine's future completes.
	const posters = 4
	for round := range 3 {
		var (
			accepted [posters]int
			executed int
			futures  [posters][]*aio.ConcurrentFuture[int]
			wg       sync.WaitGroup
		)
		// The job keeps the executor's shutdown open until enough callbacks
		// have run after the leftover's await was cancelled.
		var (
			ran, target atomic.Int64
			enough      = make(chan struct{})
			once        sync.Once
			done        [posters]atomic.Int64 // callbacks run, per poster
			returned    = make(chan struct{}) // Run has returned
		)
		const during = 1000
		counter := func(p int) func() {
			return func() {
				executed++
				done[p].Add(1)
				if n, t := ran.Add(1), target.Load(); t > 0 && n >= t {
					once.Do(func() { close(enough) })
				}
			}
		}
		// A poster keeps at most backlog callbacks waiting, so that the
		// storm does not outgrow what the loop can run (under -race, the
		// loop is slower than four posters); it waits by yielding, and
		// once Run has returned it posts once more, to be refused.
		const backlog = 512
		post := func(loop *aio.Loop, p int, count func()) {
			defer wg.Done()
			for i := 0; ; i++ {
				for int64(accepted[p])-done[p].Load() >= backlog {
					select {
					case <-returned:
						if err := loop.CallSoonThreadsafe(count); err == nil {
							t.Error("CallSoonThreadsafe accepted a callback after Run returned")
						}
						return
					default:
						runtime.Gosched()
					}
				}
				err := loop.CallSoonThreadsafe(count)
				if i%8 == 0 {
					f, ferr := aio.RunCoroutineThreadsafe(loop, func(context.Context) (int, error) { return 1, nil })
					if ferr == nil {
						futures[p] = append(futures[p], f)
					} else if !errors.Is(ferr, aio.ErrLoopClosed) {
						t.Errorf("RunCoroutineThreadsafe = %v, want <nil> or ErrLoopClosed", ferr)
					}
				}
				if errors.Is(err, aio.ErrLoopClosed) {
					return
				}
				if err != nil {
					t.Errorf("CallSoonThreadsafe = %v, want <nil> or ErrLoopClosed", err)
					return
				}
				accepted[p]++
			}
		}
		err := etRun(t, []aio.Option{aio.WithExecutorWait(etPatience)}, func(ctx context.Context) error {
			loop, err := aio.GetRunningLoop(ctx)
			if err != nil {
				return err
			}
			for p := range posters {
				wg.Add(1)
				go post(loop, p, counter(p))
			}
			// Main returns once every poster has had callbacks run.
			for p := range posters {
				for done[p].Load() == 0 {
					if err := aio.Sleep(ctx, 0); err != nil {
						return err
					}
				}
			}
			return etLeftoverJob(ctx, func(*aio.Loop) {
				target.Store(ran.Load() + during)
				etWithin(enough, etPatience/2)
			})
		})
		close(returned)
		wg.Wait()
		if err != nil {
			t.Fatalf("round %d: Run = %v", round, err)
		}
		total := 0
		for _, n := range accepted {
			total += n
		}
		if executed != total {
			t.Errorf("round %d: %d callbacks accepted, %d executed (%d dropped)", round, total, executed, total-executed)
		}
		pending, wrong := 0, 0
		var wrongErr error
		for _, fs := range futures {
			for _, f := range fs {
				select {
				case <-f.Done():
					if _, err := f.Result(); err != nil && etWantCancel(err, aio.ErrLoopShutdown) != nil {
						wrong, wrongErr = wrong+1, err
					}
				default:
					pending++
				}
			}
		}
		if pending > 0 {
			t.Errorf("round %d: %d futures of accepted coroutines still pending after Run", round, pending)
		}
		if wrong > 0 {
			t.Errorf("round %d: %d futures of accepted coroutines failed with something other than a cancellation by ErrLoopShutdown, such as %v", round, wrong, wrongErr)
		}
	}
}
