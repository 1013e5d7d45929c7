package streamtest

import "errors"

// errReset is what a reset connection's reads fail with (Hooks.ResetAfter):
// Plan 9 has no ECONNRESET.
var errReset = errors.New("streamtest: connection reset by peer")
