#!/usr/bin/env python3
"""The Python peers of aio's benchmarks: CPython's asyncio, asyncio on uvloop,
trio, and plain CPython generators.

bench/README.md is the specification: the workloads, their sizes and units,
and the worker protocol that this script implements.

Usage:

    python3 bench/python/workloads.py --runtime RUNTIME --workload NAME --size N [--warmup K]
    python3 bench/python/workloads.py --list [--runtime RUNTIME]

RUNTIME is one of asyncio, uvloop, trio, cpython. A run prints one JSON object
on one line:

    {"runtime": "asyncio", "workload": "spawn", "size": 1000000,
     "seconds": 1.234, "ops": 1000000, "peak_rss_kb": 0, "base_rss_kb": 0}

- seconds: wall time of the measured part only, by time.perf_counter(); the
  event loop is created before it (one asyncio.run / trio.run around the
  whole measurement), and setup (building a tree, starting a generator, one
  warm-up job that starts the executor's first thread) is done outside it.
- ops: the operations that time covers, in the workload's unit (README):
  sends, traversals, steps, tasks, hops, trees, jobs. `sleep_random` reports
  "s total", so its ops is 1.
- peak_rss_kb / base_rss_kb: for the memory workloads (sleep_random, parked)
  only, 0 otherwise. base is the resident set size from /proc/self/statm read
  just before the measured part; peak is getrusage's ru_maxrss (KB on Linux),
  read at the end, except for `parked`, where the README reads it when all
  tasks are parked (before the future is set).
- --list prints the workload names, one per line (with --runtime, only the
  workloads that runtime has).
- --warmup K (default 0): before the measured run, K untimed warm-up rounds
  in the same process, each in an event loop of its own, as pyperf runs
  pyperformance's warm-up values: a round is the same workload at the same
  size, except for tree_*, where a round is one tree (the size counts
  trees) and all the trees of the process share the leaves' random
  generator and memoization cache. They spare the measured run the first
  touch of fresh memory pages. After them gc.collect() frees their garbage,
  as the Go worker collects its own. The memory workloads (sleep_random,
  parked) refuse a warm-up (exit status 2): it would raise the peak they
  report.

Exit status:

    0  success, one JSON line on stdout
    1  the workload failed (a traceback on stderr)
    2  bad arguments (argparse)
    3  the runtime does not have this workload (README's last column);
       nothing on stdout
    4  the runtime's package is not installed in this interpreter (uvloop or
       trio cannot be imported); a message on stderr, nothing on stdout. The
       harness skips that peer with a note. (Debian: apt-get install
       python3-uvloop python3-trio, then run with /usr/bin/python3.)

Environment (for quick checks and smoke runs only; the full run sets none):

    BENCH_TREE_LEVELS    depth of the async_tree workloads (default 6)
    BENCH_TREE_BRANCHES  children per node of the async_tree workloads
                         (default 6); the smoke run uses 2 and 2.

Sizes (the meaning of --size N):

    gen_send          N sends into one started generator
    generators        a tree of N nodes; 10 traversals (ops = 10)
    async_generators  a tree of N nodes; 10 traversals by async generators
                      (ops = 10); cpython drives them without a loop
    sleep0_1          N steps of one task
    sleep0_2          N steps, N//2 by each of two tasks (ops = 2*(N//2))
    spawn             N tasks
    pingpong_*, queue_pingpong
                      N hops, rounded down to an even number (min 2): each
                      side sends N//2 times (ops = the hops run)
    sleep_random      N tasks (ops = 1: the unit is the total wall time)
    parked            N tasks (ops = N)
    tree_*            N trees, run back to back in one event loop run (a
                      warm-up round is one tree)
    executor_1        N jobs, one at a time
    executor_20k      N jobs in flight at once, 5 rounds (ops = 5*N jobs)
    ready_K           N sleep(0) steps of min(K, N) tasks (ops = the steps
                      run: N rounded down to a multiple of the tasks)
    timers_K          N timers armed and cancelled among min(K, N) pending

trio has no gather: where the README says "gather" for trio (spawn, the
sleep0_2 pair, the tree_* workloads without _tg) it is a nursery, so trio's
tree_X and tree_X_tg do the same work.
"""

import argparse
import functools
import gc
import json
import math
import os
import random
import resource
import sys
import time

# ---------------------------------------------------------------------------
# Constants of the workloads (README and pyperformance's bm_async_tree).

TREE_LEVELS = int(os.environ.get("BENCH_TREE_LEVELS", "6"))
TREE_BRANCHES = int(os.environ.get("BENCH_TREE_BRANCHES", "6"))
TREE_SEED = 0
TREE_IO_SLEEP = 0.05  # seconds
TREE_MEMOIZABLE = 90  # percent
TREE_CPU_PROBABILITY = 0.5
TREE_FACTORIAL_N = 500

GENERATOR_TRAVERSALS = 10
EXECUTOR_ROUNDS = 5

EXIT_NOT_A_WORKLOAD = 3
EXIT_NOT_INSTALLED = 4

# ---------------------------------------------------------------------------
# Measurement.


def rss_kb():
    """The process's current resident set size in KB (/proc/self/statm)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kb():
    """The process's peak resident set size in KB (ru_maxrss is KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Clock:
    """Times the measured part and, for memory workloads, reads RSS."""

    def __init__(self, memory=False):
        self.memory = memory
        self.seconds = 0.0
        self.base_rss_kb = 0
        self.peak_rss_kb = 0
        self.eager = None  # the eager trees: whether their tasks started eagerly
        self._t0 = 0.0

    def start(self):
        if self.memory:
            self.base_rss_kb = rss_kb()
        self._t0 = time.perf_counter()

    def stop(self):
        self.seconds = time.perf_counter() - self._t0

    def read_peak(self):
        """Reads the peak RSS now (the `parked` workload's moment)."""
        self.peak_rss_kb = peak_rss_kb()

    def finish(self):
        if self.memory and not self.peak_rss_kb:
            self.read_peak()


def check(ok, what):
    if not ok:
        raise AssertionError(what)


def empty_job():
    """The executor workloads' job."""


def sleep_random_duration(i):
    """The i-th task's sleep in sleep_random: in [0, 0.5) s."""
    return ((i * 7919) % 1000) / 2000


# ---------------------------------------------------------------------------
# Plain CPython: generators.


def accumulator():
    s = 0
    while True:
        s += yield s


def cpython_gen_send(size, clock):
    g = accumulator()
    next(g)  # started outside the measurement
    send = g.send
    clock.start()
    for i in range(size):
        send(i)
    clock.stop()
    check(send(0) == size * (size - 1) // 2, "gen_send: wrong sum")
    return size


class Node:
    def __init__(self, left, value, right):
        self.left = left
        self.value = value
        self.right = right


def build_tree(values):
    """A balanced tree of a sorted range: the middle is the root."""
    n = len(values)
    if n == 0:
        return None
    i = n // 2
    return Node(build_tree(values[:i]), values[i], build_tree(values[i + 1:]))


def walk(n):
    if n:
        yield from walk(n.left)
        yield n.value
        yield from walk(n.right)


def cpython_generators(size, clock):
    root = build_tree(range(size))
    want = size * (size - 1) // 2
    clock.start()
    for _ in range(GENERATOR_TRAVERSALS):
        total = sum(walk(root))
    clock.stop()
    check(total == want, "generators: wrong sum")
    return GENERATOR_TRAVERSALS


# ---------------------------------------------------------------------------
# async_generators: pyperformance's bm_async_generators, the tree walk by
# recursive async generators (Node doubles as its Tree). asyncio and uvloop
# run it in their loop; cpython drives the coroutine by hand (nothing in it
# suspends), the floor a loop adds to.


async def awalk(n):
    if n.left:
        async for i in awalk(n.left):
            yield i
    yield n.value
    if n.right:
        async for i in awalk(n.right):
            yield i


async def async_generators_traversals(size, clock):
    root = build_tree(range(size))
    want = size * (size - 1) // 2
    clock.start()
    for _ in range(GENERATOR_TRAVERSALS):
        total = 0
        async for v in awalk(root):
            total += v
    clock.stop()
    check(total == want, "async_generators: wrong sum")
    return GENERATOR_TRAVERSALS


def cpython_async_generators(size, clock):
    coro = async_generators_traversals(size, clock)
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value


# ---------------------------------------------------------------------------
# The async_tree leaves, shared by asyncio and trio (pyperformance's
# bm_async_tree). One generator and one cache per process: they carry over
# from tree to tree, the warm-up trees' included, as pyperformance's
# AsyncTree keeps them over its warm-up and measured values.


@functools.cache
def make_leaf(kind, sleep):
    """The leaf coroutine function of the tree workload `kind`, sleeping with
    the runtime's `sleep`. Cached, so that every tree of the process, in
    whichever event loop, shares the leaf's generator and cache."""
    rng = random.Random(TREE_SEED)
    cache = {}
    randint, rand, factorial = rng.randint, rng.random, math.factorial

    async def none():
        return

    async def io():
        await sleep(TREE_IO_SLEEP)

    async def memo():
        data = randint(1, 100)
        if data <= TREE_MEMOIZABLE and data in cache:
            return
        cache[data] = True
        await sleep(TREE_IO_SLEEP)

    async def cpu():
        if rand() < TREE_CPU_PROBABILITY:
            factorial(TREE_FACTORIAL_N)
            return
        await memo()

    return {"none": none, "io": io, "memo": memo, "cpu": cpu}[kind]


TREE_KINDS = ("none", "io", "memo", "cpu")


def tree_workload_names(eager=False):
    suffix = "_eager" if eager else ""
    names = []
    for kind in TREE_KINDS:
        names += ["tree_" + kind + suffix, "tree_" + kind + "_tg" + suffix]
    return names


def parse_tree_workload(name):
    """'tree_memo_tg' -> ('memo', True); 'tree_memo_tg_eager' -> ('memo',
    True, True)."""
    rest = name[len("tree_"):]
    eager = rest.endswith("_eager")
    if eager:
        rest = rest[:-len("_eager")]
    tg = rest.endswith("_tg")
    kind = rest[:-3] if tg else rest
    return (kind, tg, True) if eager else (kind, tg)


# ---------------------------------------------------------------------------
# asyncio (and uvloop: the same code on uvloop's event loop).


async def asyncio_sleep0_1(size, clock):
    import asyncio
    sleep = asyncio.sleep
    clock.start()
    for _ in range(size):
        await sleep(0)
    clock.stop()
    return size


async def asyncio_sleep0_2(size, clock):
    import asyncio
    sleep = asyncio.sleep
    n = size // 2

    async def stepper():
        for _ in range(n):
            await sleep(0)

    clock.start()
    await asyncio.gather(stepper(), stepper())
    clock.stop()
    return 2 * n


async def asyncio_spawn(size, clock):
    import asyncio
    sleep = asyncio.sleep

    async def child():
        await sleep(0)

    create_task = asyncio.get_running_loop().create_task
    clock.start()
    tasks = [create_task(child()) for _ in range(size)]
    await asyncio.gather(*tasks)
    clock.stop()
    return size


def pingpong_rounds(size):
    """Round trips of a ping-pong of `size` hops: each side sends this many."""
    return max(1, size // 2)


async def asyncio_pingpong_future(size, clock):
    import asyncio
    loop = asyncio.get_running_loop()
    n = pingpong_rounds(size)
    # futs[k] is the future side k awaits; having woken, it puts a fresh one
    # there before it sets the other side's.
    futs = [loop.create_future(), loop.create_future()]

    async def ping():
        for _ in range(n):
            futs[1].set_result(None)
            await futs[0]
            futs[0] = loop.create_future()

    async def pong():
        for _ in range(n):
            await futs[1]
            futs[1] = loop.create_future()
            futs[0].set_result(None)

    clock.start()
    await asyncio.gather(ping(), pong())
    clock.stop()
    return 2 * n


async def asyncio_pingpong_event(size, clock):
    import asyncio
    n = pingpong_rounds(size)
    e0, e1 = asyncio.Event(), asyncio.Event()

    async def ping():
        for _ in range(n):
            e1.set()
            await e0.wait()
            e0.clear()

    async def pong():
        for _ in range(n):
            await e1.wait()
            e1.clear()
            e0.set()

    clock.start()
    await asyncio.gather(ping(), pong())
    clock.stop()
    return 2 * n


async def asyncio_queue_pingpong(size, clock):
    import asyncio
    n = pingpong_rounds(size)
    to_a, to_b = asyncio.Queue(), asyncio.Queue()
    last = [0]

    async def ping():
        for i in range(n):
            await to_b.put(2 * i)
            last[0] = await to_a.get()

    async def pong():
        for _ in range(n):
            v = await to_b.get()
            await to_a.put(v + 1)

    clock.start()
    await asyncio.gather(ping(), pong())
    clock.stop()
    assert last[0] == 2 * n - 1, last[0]
    return 2 * n


async def asyncio_sleep_random(size, clock):
    import asyncio
    sleep = asyncio.sleep
    create_task = asyncio.get_running_loop().create_task
    clock.start()
    tasks = [create_task(sleep(sleep_random_duration(i))) for i in range(size)]
    await asyncio.gather(*tasks)
    clock.stop()
    return 1


async def asyncio_parked(size, clock):
    import asyncio
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    async def waiter():
        return await fut

    create_task = loop.create_task
    clock.start()
    tasks = [create_task(waiter()) for _ in range(size)]
    await asyncio.sleep(0)  # every task runs to its await and parks
    clock.read_peak()
    fut.set_result(1)
    results = await asyncio.gather(*tasks)
    clock.stop()
    check(len(results) == size and results[-1] == 1, "parked: wrong results")
    return size


def asyncio_tree(kind, task_group, eager=False):
    """The async_tree workload; eager (tree_*_eager, pyperformance's
    async_tree_eager_*) starts every task of the loop eagerly with
    asyncio.eager_task_factory where this Python has it (3.12 and later)
    and runs the plain tree where it has not, saying so in clock.eager."""
    async def workload(size, clock):
        import asyncio
        if eager:
            factory = getattr(asyncio, "eager_task_factory", None)
            if factory is not None:
                asyncio.get_running_loop().set_task_factory(factory)
            clock.eager = factory is not None
        leaf = make_leaf(kind, asyncio.sleep)
        gather, TaskGroup = asyncio.gather, asyncio.TaskGroup
        branches = range(TREE_BRANCHES)

        async def with_gather(level):
            if level == 0:
                await leaf()
                return
            await gather(*[with_gather(level - 1) for _ in branches])

        async def with_task_group(level):
            if level == 0:
                await leaf()
                return
            async with TaskGroup() as tg:
                for _ in branches:
                    tg.create_task(with_task_group(level - 1))

        root = with_task_group if task_group else with_gather
        clock.start()
        for _ in range(size):
            await root(TREE_LEVELS)
        clock.stop()
        return size

    return workload


async def asyncio_executor_1(size, clock):
    import asyncio
    run = asyncio.get_running_loop().run_in_executor
    await run(None, empty_job)  # warm-up: the default executor and a thread
    clock.start()
    for _ in range(size):
        await run(None, empty_job)
    clock.stop()
    return size


async def asyncio_executor_20k(size, clock):
    import asyncio
    run = asyncio.get_running_loop().run_in_executor
    await run(None, empty_job)  # warm-up: the default executor and a thread
    clock.start()
    for _ in range(EXECUTOR_ROUNDS):
        await asyncio.gather(*[run(None, empty_job) for _ in range(size)])
    clock.stop()
    return EXECUTOR_ROUNDS * size


# The scaling workloads: ready_N and timers_N, N in 1, 1k, 100k (the
# README). Their size counts ops; a size below N makes N the size.

SCALE_COUNTS = {"1": 1, "1k": 1_000, "100k": 100_000}
TIMER_GAP = 1e-3  # seconds between two pending timers
TIMER_YIELD = 1000  # ops between two sleep(0)s of the timers' loop


def scale_workload_names():
    return [kind + "_" + suffix for suffix in SCALE_COUNTS for kind in ("ready", "timers")]


def asyncio_ready(count):
    """ready_<count>: min(count, size) tasks each await sleep(0)
    size//count times (at least once), awaited in turn. The tasks are
    created, and take their first step to their first sleep(0), before the
    clock starts."""
    async def workload(size, clock):
        import asyncio
        sleep = asyncio.sleep
        n = min(count, size)
        rounds = max(1, size // n)

        started = 0

        async def stepper():
            nonlocal started
            started += 1
            for _ in range(rounds):
                await sleep(0)

        create_task = asyncio.get_running_loop().create_task
        tasks = [create_task(stepper()) for _ in range(n)]
        await sleep(0)  # every task takes its first step before this resumes
        check(started == n, f"ready: {started} of {n} tasks started before the clock")
        clock.start()
        for t in tasks:
            await t
        clock.stop()
        return n * rounds

    return workload


def asyncio_timers(count):
    """timers_<count>: min(count, size) timers pending an hour away, then
    size times a timer armed between two of them and cancelled at once; a
    sleep(0) every TIMER_YIELD ops lets the loop do what it leaves for its
    next iteration (uvloop closes a cancelled timer's handle there, asyncio
    drops cancelled timers from its heap)."""
    async def workload(size, clock):
        import asyncio
        loop = asyncio.get_running_loop()
        sleep = asyncio.sleep
        n = min(count, size)

        def noop():
            pass

        pending = [loop.call_later(3600 + i * TIMER_GAP, noop) for i in range(n)]
        delays = [3600 + (k * 7919 % n) * TIMER_GAP + TIMER_GAP / 2 for k in range(size)]
        call_later = loop.call_later
        clock.start()
        for k, d in enumerate(delays):
            call_later(d, noop).cancel()
            if k % TIMER_YIELD == TIMER_YIELD - 1:
                await sleep(0)
        clock.stop()
        for h in pending:
            h.cancel()
        return size

    return workload


# ---------------------------------------------------------------------------
# trio.


async def trio_sleep0_1(size, clock):
    import trio
    sleep = trio.sleep
    clock.start()
    for _ in range(size):
        await sleep(0)
    clock.stop()
    return size


async def trio_sleep0_2(size, clock):
    import trio
    sleep = trio.sleep
    n = size // 2

    async def stepper():
        for _ in range(n):
            await sleep(0)

    clock.start()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(stepper)
        nursery.start_soon(stepper)
    clock.stop()
    return 2 * n


async def trio_spawn(size, clock):
    import trio
    sleep = trio.sleep

    async def child():
        await sleep(0)

    clock.start()
    async with trio.open_nursery() as nursery:
        start_soon = nursery.start_soon
        for _ in range(size):
            start_soon(child)
    clock.stop()
    return size


async def trio_pingpong_event(size, clock):
    import trio
    n = pingpong_rounds(size)
    # trio's Event cannot be cleared: having woken, a side replaces its
    # event before it sets the other side's.
    events = [trio.Event(), trio.Event()]

    async def ping():
        for _ in range(n):
            events[1].set()
            await events[0].wait()
            events[0] = trio.Event()

    async def pong():
        for _ in range(n):
            await events[1].wait()
            events[1] = trio.Event()
            events[0].set()

    clock.start()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(ping)
        nursery.start_soon(pong)
    clock.stop()
    return 2 * n


async def trio_queue_pingpong(size, clock):
    import trio
    n = pingpong_rounds(size)
    # trio has no queue: a memory channel of buffer 1 each way is its one.
    to_a_send, to_a = trio.open_memory_channel(1)
    to_b_send, to_b = trio.open_memory_channel(1)
    last = [0]

    async def ping():
        for i in range(n):
            await to_b_send.send(2 * i)
            last[0] = await to_a.receive()

    async def pong():
        for _ in range(n):
            v = await to_b.receive()
            await to_a_send.send(v + 1)

    clock.start()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(ping)
        nursery.start_soon(pong)
    clock.stop()
    assert last[0] == 2 * n - 1, last[0]
    return 2 * n


async def trio_sleep_random(size, clock):
    import trio
    clock.start()
    async with trio.open_nursery() as nursery:
        start_soon, sleep = nursery.start_soon, trio.sleep
        for i in range(size):
            start_soon(sleep, sleep_random_duration(i))
    clock.stop()
    return 1


async def trio_parked(size, clock):
    import trio
    import trio.testing
    event = trio.Event()
    woken = 0

    async def waiter():
        nonlocal woken
        await event.wait()
        woken += 1

    clock.start()
    async with trio.open_nursery() as nursery:
        start_soon = nursery.start_soon
        for _ in range(size):
            start_soon(waiter)
        # trio runs a batch of tasks in either order, so one sleep(0) does
        # not guarantee that all have parked: wait until none can run.
        await trio.testing.wait_all_tasks_blocked()
        clock.read_peak()
        event.set()
    clock.stop()
    check(woken == size, "parked: not all tasks woke")
    return size


def trio_tree(kind, task_group):
    # trio has no gather: both variants open a nursery per node.
    async def workload(size, clock):
        import trio
        leaf = make_leaf(kind, trio.sleep)
        open_nursery = trio.open_nursery
        branches = range(TREE_BRANCHES)

        async def node(level):
            if level == 0:
                await leaf()
                return
            async with open_nursery() as nursery:
                for _ in branches:
                    nursery.start_soon(node, level - 1)

        clock.start()
        for _ in range(size):
            await node(TREE_LEVELS)
        clock.stop()
        return size

    return workload


async def trio_executor_1(size, clock):
    import trio
    run_sync = trio.to_thread.run_sync
    await run_sync(empty_job)  # warm-up: the first worker thread
    clock.start()
    for _ in range(size):
        await run_sync(empty_job)
    clock.stop()
    return size


async def trio_executor_20k(size, clock):
    import trio
    run_sync = trio.to_thread.run_sync
    await run_sync(empty_job)  # warm-up: the first worker thread
    clock.start()
    for _ in range(EXECUTOR_ROUNDS):
        async with trio.open_nursery() as nursery:
            start_soon = nursery.start_soon
            for _ in range(size):
                start_soon(run_sync, empty_job)
    clock.stop()
    return EXECUTOR_ROUNDS * size


# ---------------------------------------------------------------------------
# The table: workload name -> function, per runtime family, in README order.

MEMORY_WORKLOADS = {"sleep_random", "parked"}

CPYTHON = {
    "gen_send": cpython_gen_send,
    "generators": cpython_generators,
    "async_generators": cpython_async_generators,
}

ASYNCIO = {
    "async_generators": async_generators_traversals,
    "sleep0_1": asyncio_sleep0_1,
    "sleep0_2": asyncio_sleep0_2,
    "spawn": asyncio_spawn,
    "pingpong_future": asyncio_pingpong_future,
    "pingpong_event": asyncio_pingpong_event,
    "queue_pingpong": asyncio_queue_pingpong,
    "sleep_random": asyncio_sleep_random,
    "parked": asyncio_parked,
    **{name: asyncio_tree(*parse_tree_workload(name)) for name in tree_workload_names()},
    "executor_1": asyncio_executor_1,
    "executor_20k": asyncio_executor_20k,
    # trio has no eager start: the eager trees are asyncio's only.
    **{name: asyncio_tree(*parse_tree_workload(name)) for name in tree_workload_names(eager=True)},
    # The scaling workloads, for asyncio and uvloop only.
    **{name: (asyncio_ready if name.startswith("ready_") else asyncio_timers)(SCALE_COUNTS[name.split("_")[1]])
       for name in scale_workload_names()},
}

TRIO = {
    "sleep0_1": trio_sleep0_1,
    "sleep0_2": trio_sleep0_2,
    "spawn": trio_spawn,
    # pingpong_future: trio has no futures.
    "pingpong_event": trio_pingpong_event,
    "queue_pingpong": trio_queue_pingpong,
    "sleep_random": trio_sleep_random,
    "parked": trio_parked,
    **{name: trio_tree(*parse_tree_workload(name)) for name in tree_workload_names()},
    "executor_1": trio_executor_1,
    "executor_20k": trio_executor_20k,
}

RUNTIMES = {"asyncio": ASYNCIO, "uvloop": ASYNCIO, "trio": TRIO, "cpython": CPYTHON}

WORKLOADS = list(dict.fromkeys(list(CPYTHON) + list(ASYNCIO)))  # every name, in README order


# ---------------------------------------------------------------------------
# Running one workload.


def not_installed(runtime, module, err):
    print(f"workloads.py: runtime {runtime} needs the Python package {module!r}, "
          f"which {sys.executable} cannot import ({err}); on Debian: "
          f"apt-get install python3-{module}, then use /usr/bin/python3",
          file=sys.stderr)
    sys.exit(EXIT_NOT_INSTALLED)


def run_asyncio(func, size, clock, loop_factory=None):
    import asyncio
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(func(size, clock))


def runner(runtime):
    """The function that runs a workload function of the runtime once (but
    for cpython, in an event loop of its own): runner(runtime)(func, size,
    clock) -> ops."""
    if runtime == "cpython":
        return lambda func, size, clock: func(size, clock)
    if runtime == "asyncio":
        return run_asyncio
    if runtime == "uvloop":
        try:
            import uvloop
        except ImportError as err:
            not_installed(runtime, "uvloop", err)
        return lambda func, size, clock: run_asyncio(
            func, size, clock, loop_factory=uvloop.new_event_loop)
    try:
        import trio
    except ImportError as err:
        not_installed(runtime, "trio", err)
    return trio.run


def warmup_size(workload, size):
    """The size of a warm-up round: one tree for tree_*, else `size`."""
    return 1 if workload.startswith("tree_") else size


def run(runtime, workload, size, warmup=0):
    """Runs one workload after `warmup` untimed rounds; returns the
    protocol's JSON object."""
    func = RUNTIMES[runtime].get(workload)
    if func is None:
        sys.exit(EXIT_NOT_A_WORKLOAD)
    run_once = runner(runtime)
    for _ in range(warmup):
        run_once(func, warmup_size(workload, size), Clock())
    if warmup:
        gc.collect()
    clock = Clock(memory=workload in MEMORY_WORKLOADS)
    ops = run_once(func, size, clock)
    clock.finish()
    result = {
        "runtime": runtime,
        "workload": workload,
        "size": size,
        "seconds": clock.seconds,
        "ops": ops,
        "peak_rss_kb": clock.peak_rss_kb,
        "base_rss_kb": clock.base_rss_kb,
    }
    if clock.eager is not None:
        result["eager"] = clock.eager
    return result


def main():
    parser = argparse.ArgumentParser(
        description="Python peers of aio's benchmarks (see bench/README.md).")
    parser.add_argument("--runtime", choices=list(RUNTIMES))
    parser.add_argument("--workload", choices=WORKLOADS)
    parser.add_argument("--size", type=int)
    parser.add_argument("--warmup", type=int, default=0,
                        help="untimed rounds before the measured one, in this "
                        "process (one tree each for tree_*)")
    parser.add_argument("--list", action="store_true",
                        help="print the workload names, one per line")
    args = parser.parse_args()
    if args.list:
        names = list(RUNTIMES[args.runtime]) if args.runtime else WORKLOADS
        print("\n".join(names))
        return
    if args.runtime is None or args.workload is None or args.size is None:
        parser.error("--runtime, --workload and --size are required")
    if args.size < 1:
        parser.error("--size must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be at least 0")
    if args.warmup > 0 and args.workload in MEMORY_WORKLOADS:
        parser.error(f"--warmup: {args.workload} is a memory workload and takes "
                     "no warm-up, which would raise the peak RSS it reports")
    if TREE_LEVELS < 0 or TREE_BRANCHES < 1:
        parser.error("BENCH_TREE_LEVELS must be >= 0 and BENCH_TREE_BRANCHES >= 1")
    result = run(args.runtime, args.workload, args.size, args.warmup)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
