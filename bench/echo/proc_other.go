//go:build !unix

package echo

import "errors"

var errNoProc = errors.New("echo: no /proc on this system")

// RaiseNoFile does nothing where there are no resource limits; it returns 0.
func RaiseNoFile(want int) int { return 0 }

// ProcCPU fails where there is no /proc.
func ProcCPU(pid int) (user, sys float64, err error) { return 0, 0, errNoProc }

// ProcRSS fails where there is no /proc.
func ProcRSS(pid int) (int64, error) { return 0, errNoProc }

func selfCPU() (user, sys float64) { return 0, 0 }

func haveProc() bool { return false }
