// Package streamtest is a kit for testing code that uses streams, as
// net/http/httptest is for HTTP: an in-memory stream pair on the loop
// (trio's memory_stream_pair) with hooks that inject delays, short reads
// and resets, on the virtual clock as on the real one, and a conformance
// check that any two-way stream implementation can run (trio's
// check_two_way_stream).
//
//	Python (trio.testing)              Go (aio/streamtest)
//	memory_stream_pair()               streamtest.Pair(hooks)
//	check_two_way_stream(make, clogged) streamtest.CheckTwoWayStream(t, opts, make)
//
// # Rules of the memory pair
//
// What one end writes, the other reads, in order, once. Write never
// blocks; Drain waits while more than 64 KiB written by this end is unread.
// WriteEOF makes the other end read io.EOF once it has read everything;
// Close makes this end's reads and writes fail with streams.ErrClosed (a
// pending read too) and the other end read io.EOF. Hooks apply to what an
// end reads: Delay sleeps (loop time) before a read returns data, MaxRead
// bounds what one read returns, and ResetAfter makes reads fail with
// syscall.ECONNRESET once that many bytes have been read.
//
// It builds wherever streams does; the memory pair needs no socket, so it
// works on every system, windows, plan9 and wasm included, while a conformance
// check of *streams.Stream needs a unix (see streams' Systems).
package streamtest
