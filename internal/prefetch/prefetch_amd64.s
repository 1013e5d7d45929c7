#include "textflag.h"

// func Line(addr uintptr)
TEXT ·Line(SB),NOSPLIT,$0-8
	MOVQ addr+0(FP), AX
	PREFETCHT0 (AX)
	RET

// func Stack(gp uintptr)
//
// 56 is the offset of g.sched.sp in the runtime's g (stack, stackguard0,
// stackguard1, _panic, _defer, m, then sched, whose first word is sp); the
// package's test checks it.
TEXT ·Stack(SB),NOSPLIT,$0-8
	MOVQ gp+0(FP), AX
	TESTQ AX, AX
	JZ done
	MOVQ 56(AX), AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 128(AX)
	PREFETCHT0 192(AX)
	PREFETCHT0 256(AX)
done:
	RET

// func word(addr uintptr) uintptr
TEXT ·word(SB),NOSPLIT,$0-16
	MOVQ addr+0(FP), AX
	MOVQ (AX), AX
	MOVQ AX, ret+8(FP)
	RET
