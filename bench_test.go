package aio_test

import (
	"context"
	"iter"
	"runtime"
	"sync"
	"testing"

	"github.com/aio-go/aio"
)

// Each benchmark runs inside one aio.Run; b.Loop's iterations are the
// measured operation. Its raw-Go baseline follows it.

func run(b *testing.B, main func(ctx context.Context) error, opts ...aio.Option) {
	b.Helper()
	b.ReportAllocs()
	if _, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		return struct{}{}, main(ctx)
	}, opts...); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSleep0 is one Sleep(ctx, 0) step of a task: it yields to the
// loop, which resumes it.
func BenchmarkSleep0(b *testing.B) {
	run(b, func(ctx context.Context) error {
		for b.Loop() {
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkPullBaseline is one round trip of a raw iter.Pull, the switch a
// step is built on.
func BenchmarkPullBaseline(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for n := 0; yield(n); n++ {
		}
	})
	defer stop()
	b.ReportAllocs()
	for b.Loop() {
		next()
	}
}

func immediate(context.Context) (int, error) { return 1, nil }

// BenchmarkSpawn creates a task that returns at once and awaits it.
func BenchmarkSpawn(b *testing.B) {
	run(b, func(ctx context.Context) error {
		for b.Loop() {
			t, err := aio.CreateTask(ctx, immediate)
			if err != nil {
				return err
			}
			if _, err := t.Await(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkGoWaitGroupBaseline starts a goroutine that returns at once and
// waits for it.
func BenchmarkGoWaitGroupBaseline(b *testing.B) {
	b.ReportAllocs()
	var wg sync.WaitGroup
	for b.Loop() {
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
}

// BenchmarkFuturePingPong is one hop of a token between two tasks through
// futures: each side sets the other's future and awaits a new one of its own.
func BenchmarkFuturePingPong(b *testing.B) {
	run(b, func(ctx context.Context) error {
		toB := aio.NewFuture[int]()
		var toA *aio.Future[int]
		stop := -1
		partner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for {
				v, err := toB.Await(ctx)
				if err != nil || v == stop {
					return 0, err
				}
				toB = aio.NewFuture[int]()
				toA.SetResult(v + 1)
			}
		})
		if err != nil {
			return err
		}
		i := 0
		for b.Loop() {
			// One iteration is one hop: A's token goes to B on even
			// iterations, B's answer comes back on odd ones.
			if i%2 == 0 {
				toA = aio.NewFuture[int]()
				toB.SetResult(i)
			} else if _, err := toA.Await(ctx); err != nil {
				return err
			}
			i++
		}
		if i%2 == 1 {
			toA.Await(ctx)
		}
		toB.SetResult(stop)
		_, err = partner.Await(ctx)
		return err
	})
}

// BenchmarkParkingLotPingPong is one hop of a token between two tasks
// through two parking lots, the same work as BenchmarkFuturePingPong with
// the primitive that locks and queues are built on: each side unparks the
// other and parks in its own lot.
func BenchmarkParkingLotPingPong(b *testing.B) {
	run(b, func(ctx context.Context) error {
		var toA, toB aio.ParkingLot
		token, stop := 0, false
		partner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for {
				if err := toB.Park(ctx); err != nil || stop {
					return 0, err
				}
				token++
				toA.Unpark(1)
			}
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil { // the partner parks
			return err
		}
		i := 0
		for b.Loop() {
			// As in BenchmarkFuturePingPong: the token goes to B on even
			// iterations, B's answer comes back on odd ones.
			if i%2 == 0 {
				token = i
				toB.Unpark(1)
			} else if err := toA.Park(ctx); err != nil {
				return err
			}
			i++
		}
		if i%2 == 1 {
			toA.Park(ctx)
		}
		stop = true
		toB.Unpark(1)
		_, err = partner.Await(ctx)
		return err
	})
}

// BenchmarkChanPingPongBaseline is one hop of a token between two
// goroutines through unbuffered channels.
func BenchmarkChanPingPongBaseline(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			ping <- i
		} else {
			<-pong
		}
		i++
	}
	if i%2 == 1 {
		<-pong
	}
	close(ping)
	<-pong
}

// asyncTree is pyperformance's async_tree: a tree of depth levels, each node
// gathering branches children, the leaves returning at once (variant
// "none"). With depth 6 and 6 branches it has 46,656 leaves.
func asyncTree(ctx context.Context, depth, branches int, group bool) error {
	if depth == 0 {
		return nil
	}
	if group {
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for range branches {
				if err := tg.Go(func(ctx context.Context) error {
					return asyncTree(ctx, depth-1, branches, group)
				}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	fns := make([]func(context.Context) (struct{}, error), branches)
	for i := range fns {
		fns[i] = func(ctx context.Context) (struct{}, error) {
			return struct{}{}, asyncTree(ctx, depth-1, branches, group)
		}
	}
	_, err := aio.Gather(ctx, fns...)
	return err
}

// The tree benchmarks build one tree before measuring, as pyperformance
// warms up: the first tree of a process touches fresh memory for its
// thousands of coroutine stacks, which on a VM costs more than the tree.

func BenchmarkAsyncTreeGather(b *testing.B)    { benchTree(b, false) }
func BenchmarkAsyncTreeTaskGroup(b *testing.B) { benchTree(b, true) }

// benchTree measures async_tree (6 levels of 6) with Gather or task
// groups, after one untimed tree, on a loop with opts.
func benchTree(b *testing.B, group bool, opts ...aio.Option) {
	run(b, func(ctx context.Context) error {
		if err := asyncTree(ctx, 6, 6, group); err != nil {
			return err
		}
		for b.Loop() {
			if err := asyncTree(ctx, 6, 6, group); err != nil {
				return err
			}
		}
		return nil
	}, opts...)
}

// goTree is async_tree as a Go programmer would write it with goroutines and
// a WaitGroup per node.
func goTree(depth, branches int) {
	if depth == 0 {
		return
	}
	var wg sync.WaitGroup
	for range branches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			goTree(depth-1, branches)
		}()
	}
	wg.Wait()
}

func BenchmarkAsyncTreeGoBaseline(b *testing.B) {
	b.ReportAllocs()
	goTree(6, 6)
	for b.Loop() {
		goTree(6, 6)
	}
}

func empty(context.Context) (int, error) { return 0, nil }

// BenchmarkToThread is the round trip of an empty job through the loop's
// default executor, awaited by a task.
func BenchmarkToThread(b *testing.B) {
	run(b, func(ctx context.Context) error {
		for b.Loop() {
			if _, err := aio.ToThread(ctx, empty); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkGoChanRoundTripBaseline starts a goroutine that sends on a
// channel and receives from it.
func BenchmarkGoChanRoundTripBaseline(b *testing.B) {
	b.ReportAllocs()
	ch := make(chan int)
	for b.Loop() {
		go func() { ch <- 1 }()
		<-ch
	}
}

const (
	threadsafeCalls   = 1_000_000
	threadsafeSenders = 4
)

// BenchmarkCallSoonThreadsafe is 1,000,000 CallSoonThreadsafe calls from 4
// goroutines into a running loop, reported per call (ns/call).
func BenchmarkCallSoonThreadsafe(b *testing.B) {
	run(b, func(ctx context.Context) error {
		l, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		for b.Loop() {
			ran := 0
			all := aio.NewFuture[int]()
			count := func() {
				if ran++; ran == threadsafeCalls {
					all.SetResult(ran)
				}
			}
			var wg sync.WaitGroup
			for range threadsafeSenders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range threadsafeCalls / threadsafeSenders {
						l.CallSoonThreadsafe(count)
					}
				}()
			}
			if _, err := all.Await(ctx); err != nil {
				return err
			}
			wg.Wait()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/threadsafeCalls, "ns/call")
		return nil
	})
}

// BenchmarkBufferedChanSendBaseline is 1,000,000 sends from 4 goroutines on
// a buffered channel that one goroutine drains, reported per send.
func BenchmarkBufferedChanSendBaseline(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ch := make(chan func(), 1024)
		done := make(chan struct{})
		go func() {
			for fn := range ch {
				fn()
			}
			close(done)
		}()
		n := 0
		count := func() { n++ }
		var wg sync.WaitGroup
		for range threadsafeSenders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range threadsafeCalls / threadsafeSenders {
					ch <- count
				}
			}()
		}
		wg.Wait()
		close(ch)
		<-done
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/threadsafeCalls, "ns/call")
}

// The million-task pair runs last: a million ended goroutines change the
// memory that the parked-task benchmarks measure.

// million is the size of the harness's spawn workload.
const million = 1_000_000

// BenchmarkSpawnMillion is the harness's spawn workload: a million tasks
// that each await one Sleep(0), gathered. All of them take their first step
// before any takes its second, as in asyncio, so a million coroutines are
// alive at once. Like the harness, it runs one untimed round first, so that
// the measured ones reuse warm memory. It reports ns/task; an op is the
// whole million.
func BenchmarkSpawnMillion(b *testing.B) {
	step := func(ctx context.Context) (int, error) { return 1, aio.Sleep(ctx, 0) }
	fns := make([]func(context.Context) (int, error), million)
	for i := range fns {
		fns[i] = step
	}
	run(b, func(ctx context.Context) error {
		if _, err := aio.Gather(ctx, fns...); err != nil { // warm-up
			return err
		}
		runtime.GC()
		for b.Loop() {
			if _, err := aio.Gather(ctx, fns...); err != nil {
				return err
			}
		}
		return nil
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*million), "ns/task")
}

// BenchmarkMillionGoroutinesBaseline is the floor under BenchmarkSpawnMillion
// for any runtime whose tasks are goroutines: a million goroutines alive at
// once, each parked until all have started, then yielding once.
func BenchmarkMillionGoroutinesBaseline(b *testing.B) {
	b.ReportAllocs()
	round := func() {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range million {
			wg.Go(func() {
				<-start
				runtime.Gosched()
			})
		}
		close(start)
		wg.Wait()
	}
	round() // warm-up
	runtime.GC()
	for b.Loop() {
		round()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*million), "ns/task")
}

// BenchmarkSpawnEager is BenchmarkSpawn with an eager start: the task runs
// and returns inside CreateTask, so the await finds it done.
func BenchmarkSpawnEager(b *testing.B) {
	run(b, func(ctx context.Context) error {
		for b.Loop() {
			t, err := aio.CreateTask(ctx, immediate, aio.Eager())
			if err != nil {
				return err
			}
			if _, err := t.Await(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// The async_tree benchmarks on a loop with eager tasks (pyperformance's
// async_tree_eager): every leaf returns inside its creator's step.

func BenchmarkAsyncTreeGatherEager(b *testing.B)    { benchTree(b, false, aio.WithEagerTasks()) }
func BenchmarkAsyncTreeTaskGroupEager(b *testing.B) { benchTree(b, true, aio.WithEagerTasks()) }
