package gen

import "sync/atomic"

// unraisableHook, when set, receives what finalization reports instead of
// standard error. The indirection is installed once, before any test runs,
// so that tests swap the hook atomically and never write unraisable while
// a runtime cleanup goroutine may be reading it.
var unraisableHook atomic.Pointer[func(error)]

func init() {
	report := unraisable
	unraisable = func(err error) {
		if h := unraisableHook.Load(); h != nil {
			(*h)(err)
			return
		}
		report(err)
	}
}

// SetUnraisable makes f receive the errors that finalizing an unreachable
// generator reports, and returns the function that restores the default.
func SetUnraisable(f func(error)) (restore func()) {
	old := unraisableHook.Swap(&f)
	return func() { unraisableHook.Store(old) }
}
