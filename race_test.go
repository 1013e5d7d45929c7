//go:build race

package aio

// raceEnabled scales down the tests whose size the race detector would make
// slow.
const raceEnabled = true
