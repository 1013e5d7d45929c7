// Package gen brings Python's generators to Go, with the whole protocol of
// PEP 342 (send, throw, close), PEP 380 (yield from, return values) and
// PEP 479 (a stray StopIteration is a bug, not an end).
//
// # Generators
//
// A generator is a function body that runs in steps. New wraps the body;
// nothing runs until the first resume. Each resume runs the body up to its
// next Yield, which hands a value out and waits:
//
//	g := gen.New(func(y *gen.Yielder[int, int]) (string, error) {
//		s := 0
//		for {
//			x, err := y.Yield(s) // hands s out, waits, receives x
//			if err != nil {
//				return "", err // Throw or Close: Yield returned an error
//			}
//			s += x
//		}
//	})
//	g.Next()   // 0: runs the body up to the first Yield
//	g.Send(1)  // 1: x is 1
//	g.Send(2)  // 3
//	g.Close()  // the Yield returns ErrGeneratorExit; the body returns
//
// The three type parameters are what the body yields (Y), what each resume
// sends in (S) and what the body returns (R). A plain iterator-style
// generator uses struct{} for S. The first resume must send the zero value,
// because no Yield is waiting yet to receive anything (Python's send(None)).
//
// Go has no exceptions, so what Python raises inside a generator arrives here
// as an error: Yield returns the error given to Throw, or ErrGeneratorExit
// from Close, and the body decides whether to handle it, yield again or
// return. Outside, every resume returns (value, nil) while the body yields,
// and an error once it ends.
//
// # The end of a generator
//
// When the body returns (r, nil), the resume that ran it returns a
// *StopIteration[R] holding r; errors.Is(err, ErrStopIteration) holds for it,
// and Result returns r as well. When the body returns an error, the resume
// returns that error. Every later resume returns ErrStopIteration (a Throw
// returns the thrown error), as a finished Python generator raises
// StopIteration.
//
// A body that returns an end-of-iteration error of its own (say, one it got
// from another iterator and passed on) would silently end the loop that
// drives the generator. PEP 479 makes that an error, and so does gen: such
// an end is reported as *RaisedStopIteration ("generator raised
// StopIteration").
//
// Close raises ErrGeneratorExit at the body's Yield. A body that then
// returns nil, ErrGeneratorExit, or an error that wraps nothing but exits
// (fmt.Errorf("closing: %w", err)) has closed cleanly, and Close returns
// nil. An error that wraps the failure of its cleanup beside the exit
// (fmt.Errorf("%w (while closing: %w)", errCleanup, err), or errors.Join) is
// that failure, and Close returns it, as Python's close() propagates an
// exception raised while handling GeneratorExit. The same rule decides what
// a closed delegate hands to the body that delegates to it, and what
// finalization reports.
//
// # Python to Go
//
//	Python                            Go
//	g = gen()                         g := gen.New(body)
//	next(g), g.send(None)             g.Next()
//	g.send(v)                         g.Send(v)
//	g.throw(exc)                      g.Throw(err)
//	g.close()                         g.Close()
//	x = yield v                       x, err := y.Yield(v)
//	r = yield from g2                 r, err := gen.YieldFrom(y, g2)
//	r = yield from f(x)               r, err := gen.YieldFromFunc(y, f(x)) (f returns a body)
//	r = yield from obj (__next__)     r, err := gen.YieldFromIter[R](y, obj)
//	yield from iterable               err := gen.YieldFromSeq(y, seq)
//	return r                          return r, nil
//	raise StopIteration(r)            return zero, gen.Stop(r) (in an Iterator)
//	except StopIteration as e: e.value errors.As(err, &stop); stop.Value
//	except GeneratorExit              errors.Is(err, gen.ErrGeneratorExit)
//	for v in g:                       for v := range g.All()
//
// # Delegation
//
// YieldFrom delegates to another generator until it finishes: its values go
// straight to this generator's caller, every Send, Throw and Close goes
// straight to it, and its return value is YieldFrom's result. Delegation is
// flat: however deep a chain of YieldFrom is, a value travels from the
// innermost generator to the caller in a single coroutine round trip,
// because the caller resumes the innermost generator directly. YieldFromIter
// delegates to any value with a Next method (and, optionally, Send, Throw
// and Close), like the talk's class-based generator; YieldFromSeq yields the
// values of an iter.Seq.
//
// Most `yield from` in Python delegates to a generator made on the spot,
// `yield from walk(node.left)`, that nothing else ever sees. YieldFromFunc
// is for that case: it takes the delegate's body rather than a Generator,
// and since nobody holds a handle to the delegate, the body can run on the
// delegating body's own stack, yielding through its Yielder. The delegate
// then costs a function call instead of a goroutine and two switches, and a
// recursive generator runs on one coroutine however deep it recurses: an
// in-order walk of a tree by a generator that delegates to itself for each
// child costs about 175 ns a node this way against 970 with
// YieldFrom(y, New(...)) (BenchmarkTreeWalk*), less than the recursive
// iter.Seq a Go programmer would write, and less than half of what CPython
// needs. The protocol is the same (send, throw and close reach the
// delegate, its result or error comes back), with one difference, explained
// at YieldFromFunc, for a delegate that ignores GeneratorExit.
//
// # Errors, panics and misuse
//
// A panic in a body comes out of the resume that ran it (Send, Next, Throw,
// Close or a range loop) with the same value, and the generator is finished.
// Inside a delegation chain the panic unwinds every delegating body on its
// way out, running their deferred calls, as it would a stack of calls.
//
// runtime.Goexit in a body (testing's FailNow, say) behaves as it does in
// the body of an iter.Pull: the body's deferred calls run, the goroutine
// that resumed it exits too, and the generator is finished. Done then
// reports true, every later resume reports the end (ErrStopIteration),
// Close returns nil and Result returns ErrGoexit. Inside a delegation chain
// every delegating body exits in turn, innermost first, as a stack of calls
// would. A generator finalized on a runtime cleanup goroutine reports the
// Goexit instead of passing it on.
//
// Resuming a generator that is executing (from its own body, or through a
// delegation cycle) returns ErrRunning and never deadlocks. Sending a
// non-zero value to a just-started generator returns ErrNonZeroStart and
// leaves it unstarted. Throw(nil) returns ErrNilThrow. Yield called after the
// body returned, through a Yielder that escaped, panics. The zero Generator
// is not usable (make one with New): its methods panic, and so does a
// YieldFrom of it, in the delegating body.
//
// A Generator is not safe for concurrent use; it may be resumed from one
// goroutine and then another.
//
// # Goroutines and finalization
//
// A suspended body keeps a goroutine (a coroutine, switched to directly by
// the runtime, never scheduled in parallel with its caller). A finished body
// hands its goroutine and stack back to a bounded pool, so starting a
// generator usually costs no new goroutine; DrainPool ends the idle ones,
// for example before a goroutine leak check.
//
// No goroutine outlives its generator: not after the body returns or panics,
// not after Close, and not when a suspended generator becomes unreachable.
// Then, as Python does on garbage collection, the generator is closed: its
// body's Yield returns ErrGeneratorExit on a runtime cleanup goroutine, and a
// body that yields again is unwound by force (its deferred calls run). What
// goes wrong there (a panic, an error from the body) is reported on
// standard error, since no caller is left to receive it. For this to work, a
// body must not refer to its own Generator: a suspended body is reachable,
// and so would be the Generator. Prefer Close, or a range loop that breaks,
// to waiting for the garbage collector.
//
// # Generators driven by an aio task
//
// A body that an aio task resumes (with Next, Send, Throw or Close, or
// through YieldFrom) runs as part of that task: the task lends its place on
// the loop's thread to the body's goroutine for the span of the resume. So
// the body may await with the task's context (aio.Sleep, a future, a
// lock), which parks the task until the await is done; cancellation and
// debug mode see the task, and a Run nested in the body is refused. A body
// resumed from a plain goroutine gets aio's ErrWrongTask if it awaits.
// For generators whose body awaits by design, aio.NewAsyncGenerator adds
// Python's asend/athrow/aclose and a finalization on the loop.
package gen
