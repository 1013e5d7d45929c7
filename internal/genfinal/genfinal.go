// Package genfinal lets package aio tell package gen that a generator is
// finalized by its owner, not by gen.
//
// An async generator (aio's asyncgen.go) runs its body on a gen generator
// that its own state refers to, and its body refers to that state: the
// suspended body's goroutine keeps the gen generator reachable, so gen's
// finalizer could never run. The async generator's loop finalizes it
// instead (aio's asyncgen_final.go). Arming gen's finalizer would only cost
// three allocations and an insertion into the runtime's sorted list of its
// span's specials, which grows with every generator of the span still in
// the heap.
package genfinal

// Disarm, set by package gen when it is initialized, makes the
// *gen.Generator g never register its finalizer. It must be called before
// g's first resume. Any other argument panics.
var Disarm func(g any)
