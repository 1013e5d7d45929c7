#!/usr/bin/env python3
"""CPython reference for every runnable example of the talk "asyncio", aio's seed.

Run:  python3 reference.py            # every section, in talk order
      python3 reference.py NAME ...   # only those sections

Each section starts with a line "## NAME" and then prints what the example
prints. Timed lines look like "0.500 b middle": seconds since the example
started, three decimals. The Go tour of this project prints the same section
names with the same lines; timed lines may differ by a few milliseconds.
The slides' own code is used where it runs; where a slide elides code ("...",
"# some async code") the smallest code that makes the point is filled in.
Needs only the standard library, except "aiohttp-fetch" (python3-aiohttp)
and "trio-nursery" (python3-trio); those sections are skipped when missing.
"""
import asyncio
import contextlib
import sys
import time

T0 = 0.0


def reset():
    global T0
    T0 = time.monotonic()


def trace(msg):
    print(f"{time.monotonic() - T0:.3f} {msg}", flush=True)


SECTIONS = []


def section(fn):
    SECTIONS.append((fn.__name__.replace("_", "-"), fn))
    return fn


# --- Generator ---------------------------------------------------------------

@section
def generator_fib():
    def fib(n):
        a, b = 0, 1
        for _ in range(n):
            yield a
            a, b = b, a + b

    for x in fib(10):
        print(x)


def summing_gen():
    s = 0
    while True:
        x = yield s
        s += x


@section
def generator_send():
    g = summing_gen()
    print("created, nothing ran yet")
    for v in (None, 1, 2, 3):
        print(f"send({v}) -> {g.send(v)}")


@section
def generator_close():
    g = summing_gen()
    g.send(None)
    g.send(1)
    g.close()
    print("closed")
    try:
        g.send(2)
    except StopIteration:
        print("send after close -> StopIteration")
    g.close()
    print("second close is a no-op")


@section
def generator_throw():
    g = summing_gen()
    g.send(None)
    g.send(1)
    try:
        g.throw(Exception("FOO"))
    except Exception as e:
        print(f"throw -> raised {e}")
    try:
        g.send(1)
    except StopIteration:
        print("send after failed throw -> StopIteration")


@section
def generator_throw_handled():
    def gen():
        s = 0
        while True:
            try:
                x = yield s
            except Exception:
                yield "error"
                break
            s += x

    g = gen()
    for v in (None, 1, 2, 3):
        print(f"send({v}) -> {g.send(v)}")
    print(f"throw(FOO) -> {g.throw(Exception('FOO'))}")
    try:
        g.send(None)
    except StopIteration:
        print("send after break -> StopIteration")


@section
def generator_ignores_exit():
    def stubborn():
        try:
            yield 1
        except GeneratorExit:
            print("caught GeneratorExit, yielding again")
        try:
            yield 2
        except GeneratorExit:
            print("caught GeneratorExit again, returning")

    g = stubborn()
    g.send(None)
    try:
        g.close()
    except RuntimeError as e:
        print(f"close -> RuntimeError: {e}")
    g.close()
    print("second close -> ok")


# --- PEP 380 -----------------------------------------------------------------

def gen1():
    yield 1
    yield 2
    return 3


@section
def yield_from():
    def gen2():
        value = yield from gen1()
        assert value == 3
        print(f"gen2 got {value}")

    for x in gen2():
        print(x)


@section
def yield_from_send():
    def gen2():
        value = yield from gen1()
        print(f"gen2 got {value}")
        return value * 10

    g = gen2()
    print(f"send(None) -> {g.send(None)}")
    print(f"send(None) -> {g.send(None)}")
    try:
        g.send(None)
    except StopIteration as e:
        print(f"StopIteration value {e.value}")


@section
def yield_from_raise_stopiteration():
    # The slide's `raise StopIteration(3)` inside a generator: since Python 3.7
    # (PEP 479) it turns into RuntimeError instead of a return value.
    def g1():
        yield 1
        yield 2
        raise StopIteration(3)

    def gen2():
        value = yield from g1()
        assert value == 3

    g = gen2()
    print(f"send(None) -> {g.send(None)}")
    print(f"send(None) -> {g.send(None)}")
    try:
        g.send(None)
    except RuntimeError as e:
        print(f"send(None) -> RuntimeError: {e}")


@section
def yield_from_class():
    class cgen1:
        def __init__(self):
            self.v = 1

        def __iter__(self):
            return self

        def __next__(self):
            if self.v > 2:
                raise StopIteration(3)
            v = self.v
            self.v += 1
            return v

    def gen2():
        value = yield from cgen1()
        assert value == 3
        print(f"gen2 got {value}")

    g = gen2()
    print(f"send(None) -> {g.send(None)}")
    print(f"send(None) -> {g.send(None)}")
    try:
        g.send(None)
    except StopIteration:
        print("StopIteration")


@section
def yield_from_throw_close():
    def inner():
        try:
            while True:
                try:
                    yield "inner"
                except ValueError as e:
                    print(f"inner caught {e}")
        finally:
            print("inner finally")

    def outer():
        try:
            yield from inner()
        finally:
            print("outer finally")

    g = outer()
    print(f"send(None) -> {g.send(None)}")
    print(f"throw(ValueError) -> {g.throw(ValueError('boom'))}")
    g.close()
    print("closed")


# --- Generator-based framework -------------------------------------------------

@section
def blocking():
    reset()

    def a():
        trace("a enter")
        time.sleep(1)
        trace("a exit")

    def b():
        trace("b enter")
        time.sleep(.5)
        trace("b middle")
        time.sleep(.5)
        trace("b exit")

    a()
    b()


def run(*gens):
    wakes = {g: 0 for g in gens}
    while wakes:
        g = min(wakes, key=lambda g: wakes[g])
        time.sleep(max(0, wakes[g] - time.time()))
        try:
            wakes[g] = time.time() + next(g)
        except StopIteration:
            wakes.pop(g)


@section
def generator_framework():
    reset()

    def a():
        trace("a enter")
        yield 1
        trace("a exit")

    def b():
        trace("b enter")
        yield .5
        trace("b middle")
        yield .5
        trace("b exit")

    run(a(), b())


@section
def generator_framework_sleep():
    reset()

    def sleep(t):
        trace("sleep enter")
        v = yield t
        trace("sleep exit")
        return v

    def foo():
        trace("foo enter")
        result = yield from sleep(1)
        assert result is None
        trace("foo exit")

    run(foo())


# --- Async sugar ---------------------------------------------------------------

@section
def async_iterator():
    class Countdown:
        def __init__(self, n):
            self.n = n

        def __aiter__(self):
            return self

        async def __anext__(self):
            if self.n == 0:
                raise StopAsyncIteration
            await asyncio.sleep(0.1)
            self.n -= 1
            return self.n

    async def main():
        reset()
        async for v in Countdown(3):
            trace(f"got {v}")

    asyncio.run(main())


@section
def async_context_manager():
    class Resource:
        async def __aenter__(self):
            trace("enter: connecting")
            await asyncio.sleep(0.1)
            return "conn"

        async def __aexit__(self, *exc_info):
            trace(f"exit: closing, exc={exc_info[0].__name__ if exc_info[0] else None}")
            await asyncio.sleep(0.1)

    async def main():
        reset()
        async with Resource() as r:
            trace(f"using {r}")
        try:
            async with Resource():
                raise KeyError("k")
        except KeyError:
            trace("KeyError propagated")

    asyncio.run(main())


@section
def async_generator():
    async def bar(i):
        await asyncio.sleep(0.1)
        return i * i

    async def foo():
        try:
            for i in range(10):
                v = await bar(i)
                yield v
        finally:
            trace("foo finally")

    async def main():
        reset()
        async for v in foo():
            trace(f"got {v}")
            if v >= 4:
                break
        g = foo()
        trace(f"asend(None) -> {await g.asend(None)}")
        try:
            await g.athrow(ValueError("x"))
        except ValueError as e:
            trace(f"athrow(ValueError) -> raised {e}")
        g = foo()
        trace(f"asend(None) -> {await g.asend(None)}")
        await g.aclose()
        trace("aclosed")

    asyncio.run(main())


@section
def async_contextmanager_from_generator():
    async def initialize():
        await asyncio.sleep(0.1)
        return "resource"

    async def finalize(resource):
        await asyncio.sleep(0.1)
        trace(f"finalized {resource}")

    @contextlib.asynccontextmanager
    async def foo():
        resource = await initialize()
        try:
            yield resource
        finally:
            await finalize(resource)

    async def main():
        reset()
        async with foo() as resource:
            trace(f"using {resource}")
        try:
            async with foo():
                raise ValueError("body failed")
        except ValueError as e:
            trace(f"ValueError propagated: {e}")

    asyncio.run(main())


# --- Asyncio -------------------------------------------------------------------

async def b_sleeper():
    trace("b enter")
    await asyncio.sleep(.5)
    trace("b middle")
    await asyncio.sleep(.5)
    trace("b exit")


@section
def asyncio_gather():
    async def a():
        trace("a enter")
        await asyncio.sleep(1)
        trace("a exit")

    async def main():
        return await asyncio.gather(a(), b_sleeper())

    reset()
    asyncio.run(main())


@section
def asyncio_task_cancel():
    async def worker():
        try:
            trace("worker enter")
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            trace("worker cancelled")
            raise

    async def main():
        t = asyncio.create_task(worker())
        await asyncio.sleep(0.5)
        t.cancel()
        try:
            await t
        except asyncio.CancelledError:
            trace(f"task cancelled: {t.cancelled()}")

    reset()
    asyncio.run(main())


@section
def asyncio_blocking():
    async def a():
        trace("a enter")
        time.sleep(1)
        trace("a exit")

    async def main():
        return await asyncio.gather(a(), b_sleeper())

    reset()
    asyncio.run(main())


@section
def asyncio_debug():
    # PYTHONASYNCIODEBUG=1 (here: debug=True) reports the step that blocked the loop.
    import logging
    import re

    class Short(logging.Handler):
        def emit(self, record):
            took = re.search(r"took (\S+) seconds", record.getMessage())
            if took:
                print(f"{record.levelname} executing task a took {took.group(1)} seconds")

    logging.getLogger("asyncio").addHandler(Short())

    async def a():
        time.sleep(0.2)

    async def main():
        await asyncio.create_task(a(), name="a")

    asyncio.run(main(), debug=True)


@section
def asyncio_executor():
    async def a():
        trace("a enter")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, time.sleep, 1)
        trace("a exit")

    async def main():
        return await asyncio.gather(a(), b_sleeper())

    reset()
    asyncio.run(main())


@section
def aiohttp_fetch():
    try:
        import aiohttp
        from aiohttp import web
    except ImportError:
        print("skipped: python3-aiohttp is not installed")
        return

    async def handler(request):
        n = int(request.match_info["n"])
        await asyncio.sleep(0.1 * (5 - n))
        return web.json_response({"n": n, "square": n * n})

    async def fetch(url):
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                return await response.json()

    async def main():
        app = web.Application()
        app.router.add_get("/items/{n}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            urls = [f"http://127.0.0.1:{port}/items/{n}" for n in range(5)]
            coros = [fetch(url) for url in urls]
            results = await asyncio.gather(*coros)
            for r in results:
                print(r)
        finally:
            await runner.cleanup()

    asyncio.run(main())


# --- Asyncio and task spawn ----------------------------------------------------

@section
def spawn_manual_finalization():
    async def background():
        try:
            trace("background enter")
            await asyncio.sleep(1)
            trace("background exit")
        finally:
            trace("background finally")

    async def a():
        t = asyncio.create_task(background())
        try:
            await asyncio.sleep(0.3)
            trace("a done with its work")
        finally:
            t.cancel()
            await asyncio.wait([t])
            trace(f"background cancelled: {t.cancelled()}")

    reset()
    asyncio.run(a())


@section
def taskgroup_error():
    async def ok(name, d):
        try:
            await asyncio.sleep(d)
            trace(f"{name} done")
        except asyncio.CancelledError:
            trace(f"{name} cancelled")
            raise

    async def boom():
        await asyncio.sleep(0.2)
        raise ValueError("boom")

    async def main():
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(ok("fast", 0.1))
                tg.create_task(ok("slow", 1))
                tg.create_task(boom())
        except* ValueError as eg:
            trace(f"group failed: {[str(e) for e in eg.exceptions]}")

    reset()
    if sys.version_info < (3, 11):
        print("skipped: needs Python 3.11")
        return
    asyncio.run(main())


@section
def trio_nursery():
    try:
        import trio
    except ImportError:
        print("skipped: python3-trio is not installed")
        return

    async def a():
        trace("a enter")
        await trio.sleep(1)
        trace("a exit")

    async def b():
        trace("b enter")
        await trio.sleep(.5)
        trace("b middle")
        await trio.sleep(.5)
        trace("b exit")

    async def main():
        async with trio.open_nursery() as n:
            n.start_soon(a)
            n.start_soon(b)
        trace("nursery closed")

    reset()
    trio.run(main)


def main():
    wanted = sys.argv[1:]
    names = [n for n, _ in SECTIONS]
    for w in wanted:
        if w not in names:
            sys.exit(f"unknown section {w}; known: {' '.join(names)}")
    for name, fn in SECTIONS:
        if wanted and name not in wanted:
            continue
        print(f"## {name}", flush=True)
        fn()


if __name__ == "__main__":
    main()
