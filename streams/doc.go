// Package streams is network I/O on the aio loop: TCP and Unix streams and
// the servers that accept them, and UDP endpoints, with asyncio's stream
// semantics, on the loop's reactor (epoll, or Go's poller with
// aio.WithPortableReactor and where there is no epoll; see Systems).
//
// # Streams
//
// A *Stream is asyncio's StreamReader and StreamWriter in one value. It
// is made by Connect (asyncio's open_connection, trio's open_tcp_stream)
// or handed to a Server's Handler (start_server, serve_tcp). Its calls are
// made from the tasks of the loop that made it; a read or a Drain parks
// the calling task, never the loop's thread.
//
//	Python (asyncio)                          Go (aio/streams)
//	reader, writer = await open_connection()  s, err := streams.Connect(ctx, "tcp", addr)
//	await open_unix_connection(path)          streams.Connect(ctx, "unix", path)
//	await start_server(cb, host, port)        streams.Serve(ctx, ln, handler)
//	server.close(); server.abort_clients()    srv.Close() with srv.GracePeriod
//	await reader.read(n)                      s.Read(ctx, n)
//	sock.recv_into(buf)                       s.ReadInto(ctx, buf)
//	await reader.readline()                   s.ReadLine(ctx)
//	await reader.readuntil(sep)               s.ReadUntil(ctx, sep)
//	await reader.readexactly(n)               s.ReadExactly(ctx, n)
//	reader.at_eof()                           s.AtEOF()
//	writer.write(data)                        s.Write(data)
//	await writer.drain()                      s.Drain(ctx)
//	writer.write_eof()                        s.WriteEOF()
//	writer.close(); await writer.wait_closed() s.Close(); s.WaitClosed(ctx)
//	writer.transport.abort()                  s.Abort()
//	await writer.start_tls(ctx)               tls.Client(s.Conn(ctx), cfg)
//
// # Reading
//
// The reader's rules are asyncio's. Read(n) returns what is buffered, or
// waits for the next data; at the end of the stream it returns io.EOF
// (asyncio's b""). ReadExactly(n) returns n bytes, or an
// *IncompleteReadError with the partial data and the expected size ("18
// bytes read on a total of 36 expected bytes"). ReadUntil(sep) looks for
// sep within the stream's limit (SetLimit, 64 KiB by default): a separator
// past the limit, or none within it, is a *LimitOverrunError and leaves the
// data buffered. ReadLine is ReadUntil("\n") except that at the end it
// returns the partial line, and that a line over the limit is dropped, up
// to and including its "\n" if that was buffered, the whole buffer
// otherwise. A read that is cancelled consumes nothing: what came meanwhile
// stays buffered for the next read. One task reads at a time: a second
// concurrent reader gets an error wrapping aio.ErrBusyResource.
//
// The sizes are asyncio's too: Read(0) and ReadExactly(0) return an empty
// slice at once; Read(-1) reads to the end and returns all of it with a nil
// error (an empty slice once at the end, every time); ReadExactly(-1), an
// empty separator (ErrEmptySeparator) and SetLimit(0) are errors, asyncio's
// ValueError. At the end of the stream every read says so again each time
// it is called (io.EOF, or an *IncompleteReadError with an empty Partial),
// without waiting; AtEOF tells what the reads have met, not what the peer
// did. After Close every read returns ErrClosed.
//
// Read and the other asyncio calls return slices that the caller owns:
// each is a fresh allocation (or the stream's buffer, handed over whole).
// ReadInto(ctx, p) is the call that allocates nothing: it copies what is
// buffered into p, or, with nothing buffered and a p of 4 KiB or more,
// reads the socket straight into p; at the end of the stream it returns
// io.EOF. It is what a server that echoes or forwards bytes should use
// (uvloop's protocol servers and Go's net.Conn work that way). Since the
// loop runs one task at a time, the tasks of a loop may share one such
// buffer, provided each is done with its contents before it next parks:
// Write never parks and keeps a copy of what the socket did not take.
//
// A stream's reads and writes of its non-blocking socket are raw system
// calls (no entersyscall): they never block, and the loop's thread stays
// out of the runtime's syscall state, which would otherwise wake sysmon.
//
// # Writing
//
// Write never blocks: it writes to the socket at once when nothing is
// pending, and buffers what the socket does not take; a flusher task
// writes that out as the socket drains, whether or not anyone calls Drain.
// Drain applies backpressure: once more than the high water mark (64 KiB)
// is pending it waits until at most the low one (16 KiB) is
// (SetWriteBufferLimits sets them; a low mark over the high one is an
// error), for as long as the peer does not read. After a write failed,
// Write and Drain return an error wrapping ErrConnectionLost.
// WriteEOF sends the end of the stream once the pending data has gone
// (half-close), and a Write after it returns ErrWriteAfterEOF; Close
// closes the stream for reading and writing at once (a read or a Drain
// waiting then returns ErrClosed) and the socket once the pending data has
// gone, and WaitClosed waits for that; Abort drops the pending data and
// closes at once. Close, WriteEOF and Abort may be called again: the
// second call does nothing.
//
// # Misuse
//
// A Stream, a Datagram and a Server belong to the loop of the task that
// made them (Serve's, for a Server), and their calls are made from that
// loop's tasks; a call made otherwise changes nothing, reaches no socket,
// and returns an error that says what was called:
//
//   - from a goroutine that is not the loop's thread, an error wrapping
//     aio.ErrWrongTask (the calls without a context check the goroutine,
//     as the kernel's Loop.CheckThread does; Abort, which returns no
//     error, panics with it instead);
//   - with the context of a task of another loop, aio.ErrWrongLoop; with a
//     context that is not the running task's, aio.ErrNoTask or
//     ErrWrongTask, as every blocking call of aio;
//   - after the loop has finished, which closed every socket of the
//     package, an error wrapping aio.ErrLoopClosed, so that a socket's old
//     number, which another file may have by then, is never written to
//     (Close and Abort then return nil, and do nothing);
//   - on a zero or nil *Stream or *Datagram, which have no socket, an error
//     saying so (Abort does nothing).
//
// Serve's misuse (a nil Handler, no listener, a nil listener or one given
// twice, a Server already serving) is an error returned before Serve takes
// the listeners, which stay open.
//
// # Blocking-style code
//
// Conn(ctx) is the stream as a net.Conn whose calls park the task of ctx:
// bufio, encoding/json and crypto/tls run on it inside that task. Its
// deadlines are loop time and fail with os.ErrDeadlineExceeded. TLS is
// crypto/tls over it, as client, server, or an upgrade of a stream that
// has already exchanged plain data (asyncio's start_tls).
//
// # Servers
//
// A Server accepts on one or more listeners and runs each connection's
// Handler as a task of a task group of its own: nothing outlives Serve. A
// handler's error is reported, not fatal to the server. Cancelling Serve's
// context cancels everything; Close stops accepting, lets the running
// handlers finish for GracePeriod, then cancels them. Running out of
// descriptors on accept makes the server wait and retry, as net/http's
// does. Idle and read deadlines are scopes (aio.Timeout, aio.MoveOnAfter)
// around the handler's reads.
//
// A stream or a datagram endpoint costs one descriptor, its socket, on
// either reactor backend: the package hands its sockets over to the loop
// (aio.RegisterOwnedFD), which closes them with the stream. The listeners
// given to Serve stay the caller's (Serve closes them when it returns), and
// on the portable backend each costs a second descriptor while Serve runs.
//
// # The virtual clock
//
// On the virtual clock I/O does not hold time: when no task is ready and
// no fd is ready, the clock jumps to the next timer. Between tasks of one
// loop, data written to a loopback or Unix socket is readable when the
// write returns, so such a program runs the same way every time; a peer
// outside the loop is outside input.
//
// # Systems
//
// The package works on the unix systems that Go supports. On Linux it
// runs on both reactor backends, epoll by default and Go's poller with
// aio.WithPortableReactor, and reads and writes its sockets with raw system
// calls. On darwin, the BSDs (freebsd, netbsd, openbsd, dragonfly), illumos
// and solaris the loop has the portable backend alone (Go's poller:
// kqueue, event ports), and reads and writes go through
// golang.org/x/sys/unix, which tells Go's scheduler. Its sockets are made
// non-blocking and close-on-exec at birth where socket(2) and accept4(2)
// take SOCK_NONBLOCK and SOCK_CLOEXEC (linux, freebsd, dragonfly, illumos),
// and elsewhere set so with fcntl(2) right after, the socket made and set
// close-on-exec under syscall.ForkLock, as Go's net does, so that no child
// of os/exec inherits it.
//
// On windows, js/wasm and wasip1 the loop has no reactor (no readiness
// model to wait on sockets with), so the package builds but makes no
// socket: Connect, SocketPair, ListenUDP, DialUDP and Server.Serve (which
// closes its listeners) return an error for which
// errors.Is(err, errors.ErrUnsupported) holds, at once and before touching
// the network; no Stream or Datagram exists there to call the rest on.
// streamtest's memory streams, which need no socket, work there too.
package streams
