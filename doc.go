// Package aio is Python's asyncio for Go: an event loop that runs tasks one
// step at a time on one logical thread, with futures, timers, cancellation,
// timeouts, waiting functions and task groups, and a virtual clock.
//
// # Why
//
// Goroutines run in parallel and share memory through locks and channels.
// The tasks of one aio loop take turns instead: between two awaits no other
// task of the loop runs, so the state they share needs no lock, and a run is
// reproducible. Every task has an owner (a TaskGroup, Gather, or the loop
// itself), no error is dropped, and nothing outlives Run. On the virtual
// clock an hour of timeouts takes microseconds and prints the same thing on
// every run.
//
// # Coroutine functions and the loop
//
// A coroutine function is a func(ctx context.Context) (T, error). Run
// creates a loop and runs one as the main task:
//
//	v, err := aio.Run(func(ctx context.Context) (int, error) {
//		if err := aio.Sleep(ctx, time.Second); err != nil {
//			return 0, err
//		}
//		return 42, nil
//	})
//
// The context carries the task and its loop. Every call that can block (an
// await) takes it first: Sleep, Future.Await, Task.Await, Gather, Wait,
// WithTaskGroup and so on. Such a call parks the task and hands the loop to
// the next ready task; the loop resumes the task when what it waits for has
// happened. A call with a context whose task is not the one running now (it
// was passed to another task, another goroutine or another loop) fails at
// once with ErrWrongTask and leaves the loop as it was.
//
// Tasks are coroutines on pooled goroutines that the loop switches to
// directly: a step costs about one coroutine switch, not a trip through Go's
// scheduler. Blocking the loop's thread (time.Sleep, a slow system call, a
// long computation) blocks every task of the loop, as in asyncio.
//
// # Python to Go
//
//	Python                               Go
//	asyncio.run(main())                  aio.Run(main)
//	await asyncio.sleep(d)               aio.Sleep(ctx, d)
//	t = asyncio.create_task(f())         t, err := aio.CreateTask(ctx, f)
//	await t; t.result()                  t.Await(ctx); t.Result()
//	t.cancel(msg)                        t.Cancel(cause)
//	asyncio.current_task()               aio.CurrentTask(ctx)
//	current_task(), get_running_loop()   task, loop, err := aio.RunningTask(ctx)
//	loop.create_future()                 aio.NewFuture[T]()
//	fut.set_result(v) / set_exception(e) f.SetResult(v) / f.SetError(err)
//	await asyncio.gather(a(), b())       aio.Gather(ctx, a, b)
//	gather(..., return_exceptions=True)  aio.GatherAll(ctx, a, b)
//	await asyncio.wait(ts, timeout, rw)  aio.Wait(ctx, ts, aio.FirstCompleted, d)
//	for f in asyncio.as_completed(ts)    for t, err := range aio.AsCompleted(ctx, ts...)
//	async with asyncio.timeout(d) as cm  aio.Timeout(ctx, d, func(ctx, cm) error {...})
//	await asyncio.wait_for(aw, d)        aio.WaitFor(ctx, d, aw)
//	with trio.move_on_after(d)           aio.MoveOnAfter(ctx, d, ...)
//	async with asyncio.TaskGroup() as tg aio.WithTaskGroup(ctx, func(ctx, tg) error {...})
//	tg.create_task(f()) / start_soon(f)  aio.Spawn(tg, f) / tg.Go(f)
//	await nursery.start(f)               tg.Start(ctx, f)
//	except asyncio.CancelledError        errors.Is(err, aio.ErrCancelled)
//	except TimeoutError                  errors.Is(err, aio.ErrTimeout)
//	except* ValueError as eg             errors.As(err, &groupErr)
//	loop.call_soon / call_later / at     aio.CallSoon / CallLater / CallAt
//	loop.time()                          aio.Now(ctx)
//	with trio.CancelScope() as cs        aio.CancelScope(ctx, func(ctx, cs) error {...})
//	cs.cancel()                          cs.Cancel(cause)
//	cs.cancel_called / cancelled_caught  cs.CancelCalled() / cs.CancelledCaught()
//	trio.lowlevel.ParkingLot             aio.ParkingLot
//	asyncio.eager_task_factory           aio.WithEagerTasks() (per loop), aio.Eager() (per task)
//	trio.lowlevel.wait_readable(fd)      aio.WaitReadable(ctx, fd) (streams: package streams)
//	asyncio.Lock(); async with lock      var mu aio.Lock; mu.Do(ctx, func(ctx) error {...})
//	await lock.acquire(); lock.release() mu.Acquire(ctx); mu.Release(ctx)
//	asyncio.Event(); await ev.wait()     var ev aio.Event; ev.Wait(ctx)
//	ev.set() / ev.clear() / ev.is_set()  ev.Set() / ev.Clear() / ev.IsSet()
//	asyncio.Condition(lock)              aio.NewCondition(&mu)
//	await cond.wait() / wait_for(pred)   c.Wait(ctx) / c.WaitFor(ctx, pred)
//	cond.notify(n) / notify_all()        c.Notify(ctx, n) / c.NotifyAll(ctx)
//	asyncio.Semaphore(n); async with sem aio.NewSemaphore(n); sem.Do(ctx, fn)
//	asyncio.BoundedSemaphore(n)          aio.NewBoundedSemaphore(n)
//	asyncio.Barrier(n); await b.wait()   aio.NewBarrier(n); i, err := b.Wait(ctx)
//	trio.CapacityLimiter(n)              aio.NewCapacityLimiter(n); lim.Do(ctx, fn)
//	except BrokenBarrierError            errors.Is(err, aio.ErrBrokenBarrier)
//	except RuntimeError (lock not held)  errors.Is(err, aio.ErrNotHeld)
//	asyncio.Queue(maxsize)               aio.NewQueue[T](maxsize) (zero value: unbounded)
//	asyncio.LifoQueue / PriorityQueue    aio.NewLifoQueue[T](n) / aio.NewPriorityQueue[T](n)
//	await q.put(x) / q.put_nowait(x)     q.Put(ctx, x) / q.TryPut(x)
//	await q.get() / q.get_nowait()       q.Get(ctx) / q.TryGet()
//	q.task_done() / await q.join()       q.TaskDone() / q.Join(ctx)
//	q.shutdown(immediate=True)           q.Shutdown(true)
//	except asyncio.QueueEmpty/QueueFull  errors.Is(err, aio.ErrQueueEmpty / aio.ErrQueueFull)
//	except asyncio.QueueShutDown         errors.Is(err, aio.ErrQueueShutDown)
//	s, r = trio.open_memory_channel(n)   tx, rx := aio.NewMemoryChannel[T](n)
//	await s.send(v) / r.receive()        tx.Send(ctx, v) / rx.Receive(ctx)
//	s.clone() / s.close()                tx.Clone() / tx.Close()
//	async for v in r                     for v, err := range rx.All(ctx)
//	except trio.EndOfChannel             errors.Is(err, aio.ErrEndOfChannel)
//	v = <-ch / ch <- v (in a task)       aio.Recv(ctx, ch) / aio.Send(ctx, ch, v)
//	async for v in it                    for v, err := range aio.Iterate(ctx, it)
//	__anext__ / StopAsyncIteration       Next(ctx) (T, error) / aio.ErrStopAsyncIteration
//	async def g(): ... yield v           aio.NewAsyncGenerator(func(ctx, y) error {... y.Yield(ctx, v) ...})
//	agen.asend(v) / athrow(e) / aclose() g.ASend(ctx, v) / g.AThrow(ctx, e) / g.AClose(ctx)
//	async for i in inner(): yield i      aio.YieldFromAsync(ctx, y, innerBody)
//	async with cm as r:                  aio.With(ctx, cm, func(ctx, r) error {...})
//	@contextlib.asynccontextmanager      aio.AsyncContextManagerOf(body)
//	contextlib.AsyncExitStack            aio.AsyncExitStack: EnterAsyncContext, PushExit, Callback, AClose
//	loop.shutdown_asyncgens()            done by Run's shutdown
//
// # Cancellation
//
// Cancellation is the context's, and it is level-triggered (trio's rule):
// when a task is cancelled (Task.Cancel, a TaskGroup failing, a Timeout's
// deadline, Run's shutdown, an outside context), its context is cancelled,
// the await it is parked in fails, and so does every later await in that
// context. The error satisfies errors.Is(err, ErrCancelled) and
// errors.Is(err, context.Canceled); its Cause (and context.Cause(ctx)) is the
// cause given to Cancel. A task's context is derived from the context it was
// created with, so cancelling a task cancels the tasks it created with its
// context too, as with any Go context.
//
// A task does not have to stop: it gets an error, and returning it is
// Python's `raise`. Cleanup that must await after a cancellation runs under
// Shield(ctx), whose awaits no cancellation interrupts.
//
// A wake-up and a cancellation that arrive in the same step deliver the
// wake-up: a result is never lost, and the next await sees the cancellation.
//
// Timeouts are cancel scopes (Scope): only the scope that catches the
// cancellation reports ErrTimeout; an outer scope, or an outside
// cancellation, is never mistaken for it. When nested scopes are cancelled
// in the same step, the outermost of them catches. A scope tells whether
// it was cancelled on its own account (CancelCalled: its deadline passed,
// or Scope.Cancel) and whether it absorbed the cancellation
// (CancelledCaught). A duration of zero or less is a deadline that has
// passed (asyncio's rule): Sleep gives way for a step, a scope
// (Timeout, MoveOnAfter) is cancelled before its function runs, WaitFor
// cancels what it awaits unless it is done, CallLater runs at the next
// step. Wait is the exception, as in asyncio: its timeout of 0 means none,
// and a negative one is an error.
//
// # Structured concurrency
//
// WithTaskGroup (asyncio.TaskGroup, trio's nursery) waits for all its tasks;
// the first failure cancels the others and the block, and every error comes
// back in a *GroupError. Gather is built the same way and never returns
// while a task it started still runs. Tasks created with CreateTask or Go
// belong to the loop: when main returns, Run cancels them, waits for them,
// and reports the errors nobody retrieved. A panic in a task becomes a
// *PanicError with the task's stack, and runtime.Goexit in a task (as
// testing's FailNow calls) ends that task with ErrGoexit, its deferred calls
// having run, while the loop goes on.
//
// # Time
//
// The loop reads one clock: the machine's monotonic clock, or with
// WithVirtualClock a virtual one that stands still while tasks run and jumps
// to the next deadline when every task waits on timers alone (trio's
// MockClock with autojump). Ready tasks run in FIFO order and timers fire in
// (deadline, creation) order, so on the virtual clock a program without
// outside input prints the same thing every time. WithSeed shuffles the ready
// order reproducibly, to look for schedule-dependent bugs.
//
// A panic in a task group's block cancels the group's tasks and waits for
// them before it goes on; the errors they returned meanwhile are reported
// by Run.
//
// # Building on the kernel
//
// ParkingLot (trio's) is the one parking primitive that the kernel
// exports, beside Future: a task parks in a lot until another unparks it,
// in arrival order, and a cancelled waiter leaves the lot without using up
// a wake. Locks, events, conditions, semaphores, queues and channels are
// written on those two alone (and Loop.CheckThread, for their methods that
// take no context); a test enforces that the library files of this package
// use no unexported kernel name. Lock, Event, Condition,
// Semaphore, BoundedSemaphore, Barrier and CapacityLimiter hand what they
// free directly to the first waiter, and a waiter cancelled in that step
// passes it on: Acquire returns nil exactly when the caller holds what it
// asked for.
//
// Queue, LifoQueue and PriorityQueue pass items between tasks with
// backpressure, TaskDone/Join and Shutdown. Memory channels
// (NewMemoryChannel) are trio's: a send side and a receive side, cloned per
// producer or consumer, closed side by side. A waiter is handed its item,
// so a cancelled Get or Receive never loses one and a cancelled Put or Send
// never inserts one.
//
// A bare channel operation in a task (<-ch, ch <- v, a select without a
// default) blocks the loop's thread: no other task runs until it
// completes, and if the other side is a task of the same loop it never
// completes. Debug mode's watchdog names the task while it blocks. To talk
// to goroutines, use Recv and Send, which park the task; between tasks, use
// a Queue or a memory channel.
//
// # Threads
//
// Everything of a loop (its tasks, futures, parking lots, groups, scopes)
// belongs to the loop's thread: use it from the loop's tasks and callbacks
// only; other goroutines reach a loop through CallSoonThreadsafe and
// RunCoroutineThreadsafe. A future or a parking lot belongs to the loop of
// the first task that waits on it, and a task of another loop that awaits
// it gets ErrWrongLoop. The methods that take no context (Task.Cancel,
// Scope.Reschedule and Cancel, TaskGroup.Go and Cancel, ParkingLot.Unpark
// and Repark, Handle.Cancel) check the calling goroutine in every mode:
// from another goroutine they change nothing, and return ErrWrongTask or,
// where they return no error, panic with a message naming the call. Debug
// mode also logs such a misuse with where it was called from, and checks
// Future.SetResult, SetError and Cancel the same way (outside debug mode
// they are not checked, as in asyncio).
package aio
