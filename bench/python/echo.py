#!/usr/bin/env python3
"""The Python servers of aio's echo benchmark (bench/README.md, "The echo
workload"), written as uvloop's examples/bench/echoserver.py writes them.

Usage:

    python3 bench/python/echo.py --server KIND [--nofile N]

KIND is one of:

    asyncio-streams    asyncio.start_server; the handler loops on
                       `data = await reader.read(1000000)` and
                       `writer.write(data)` (no drain: the client has one
                       message in flight per connection), as uvloop's
                       echoserver.py --streams does
    asyncio-protocols  loop.create_server with a Protocol whose
                       data_received calls transport.write(data)
    uvloop-streams     the same two on uvloop's event loop
    uvloop-protocols
    trio               trio.serve_tcp; the handler loops on
                       `async for data in stream: await stream.send_all(data)`
                       (receive_some's default size, 64 KiB)

Every server sets TCP_NODELAY (asyncio and trio do anyway), listens on
127.0.0.1 port 0, prints one JSON line

    {"addr": "127.0.0.1:PORT", "pid": PID, "nofile": SOFT_LIMIT}

and serves until its standard input reaches end of file. --nofile raises
RLIMIT_NOFILE towards N first, as far as allowed (nofile is the soft
limit then).

Exit status: 0 after end of input, 2 bad arguments, 3 unknown kind (the
worker protocol's "no such workload"), 4 uvloop or trio is not installed.
"""

import argparse
import functools
import json
import os
import resource
import socket
import sys

KINDS = ("asyncio-streams", "asyncio-protocols", "uvloop-streams", "uvloop-protocols", "trio")
EXIT_NOT_A_KIND = 3
EXIT_NOT_INSTALLED = 4
STREAM_READ = 1000000  # uvloop's echoserver.py
BACKLOG = 100  # asyncio's default


def raise_nofile(want):
    """Raises RLIMIT_NOFILE to at least `want` where allowed; returns the
    soft limit in effect."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if want > soft:
        for limits in ((want, max(hard, want)), (hard, hard)):
            if limits[0] == resource.RLIM_INFINITY or limits[0] > soft:
                try:
                    resource.setrlimit(resource.RLIMIT_NOFILE, limits)
                    break
                except (ValueError, OSError):
                    pass
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else 0


def announce(sock, nofile):
    host, port = sock.getsockname()[:2]
    print(json.dumps({"addr": f"{host}:{port}", "pid": os.getpid(), "nofile": nofile}), flush=True)


def nodelay(sock):
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------------------
# asyncio and uvloop.


async def echo_streams(reader, writer):
    nodelay(writer.get_extra_info("socket"))
    try:
        while True:
            data = await reader.read(STREAM_READ)
            if not data:
                break
            writer.write(data)
    except ConnectionError:
        pass
    finally:
        writer.close()


def echo_protocol_factory():
    import asyncio

    class EchoProtocol(asyncio.Protocol):
        def connection_made(self, transport):
            nodelay(transport.get_extra_info("socket"))
            self.transport = transport

        def connection_lost(self, exc):
            self.transport = None

        def data_received(self, data):
            self.transport.write(data)

    return EchoProtocol


async def asyncio_main(protocols, nofile):
    import asyncio

    loop = asyncio.get_running_loop()
    if protocols:
        server = await loop.create_server(echo_protocol_factory(), "127.0.0.1", 0, backlog=BACKLOG)
    else:
        server = await asyncio.start_server(echo_streams, "127.0.0.1", 0, backlog=BACKLOG)
    announce(server.sockets[0], nofile)
    eof = loop.create_future()

    def on_stdin():
        if not os.read(sys.stdin.fileno(), 4096) and not eof.done():
            eof.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    await eof
    loop.remove_reader(sys.stdin.fileno())
    server.close()


def run_asyncio(kind, nofile):
    import asyncio

    loop_factory = None
    if kind.startswith("uvloop"):
        try:
            import uvloop
        except ImportError as err:
            print(f"uvloop cannot be imported: {err}", file=sys.stderr)
            sys.exit(EXIT_NOT_INSTALLED)
        loop_factory = uvloop.new_event_loop
    loop = loop_factory() if loop_factory else asyncio.new_event_loop()
    try:
        loop.run_until_complete(asyncio_main(kind.endswith("protocols"), nofile))
    finally:
        loop.close()


# ---------------------------------------------------------------------------
# trio.


def run_trio(nofile):
    try:
        import trio
    except ImportError as err:
        print(f"trio cannot be imported: {err}", file=sys.stderr)
        sys.exit(EXIT_NOT_INSTALLED)

    async def handler(stream):
        nodelay(stream.socket)
        try:
            async for data in stream:
                await stream.send_all(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass

    async def main():
        async with trio.open_nursery() as nursery:
            serve = functools.partial(trio.serve_tcp, handler, 0, host="127.0.0.1", backlog=BACKLOG)
            listeners = await nursery.start(serve)
            announce(listeners[0].socket, nofile)
            while True:
                await trio.lowlevel.wait_readable(sys.stdin.fileno())
                if not os.read(sys.stdin.fileno(), 4096):
                    break
            nursery.cancel_scope.cancel()

    trio.run(main)


def main():
    parser = argparse.ArgumentParser(description="Python servers of aio's echo benchmark (bench/README.md).")
    parser.add_argument("--server", required=True)
    parser.add_argument("--nofile", type=int, default=0)
    args = parser.parse_args()
    if args.server not in KINDS:
        print(f"no server kind {args.server!r}; kinds: {', '.join(KINDS)}", file=sys.stderr)
        sys.exit(EXIT_NOT_A_KIND)
    if args.nofile < 0:
        parser.error("--nofile must be at least 0")
    nofile = raise_nofile(args.nofile)
    if args.server == "trio":
        run_trio(nofile)
    else:
        run_asyncio(args.server, nofile)


if __name__ == "__main__":
    main()
