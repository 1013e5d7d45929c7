// Package goid tells goroutines apart, cheaply: G returns an identity of the
// calling goroutine (the address of its runtime descriptor), which no other
// live goroutine has. The kernel uses it to refuse, with an error, a loop
// call made from a goroutine other than the loop's thread, which would
// otherwise corrupt the loop. Go has no public goroutine identity; reading
// the descriptor pointer takes one instruction of assembly on the
// architectures that have it, and G returns 0 (no check) on the others.
//
// An identity is valid while its goroutine lives: a descriptor is reused
// after its goroutine exits.
package goid
