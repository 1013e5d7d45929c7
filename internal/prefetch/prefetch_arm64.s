#include "textflag.h"

// func Line(addr uintptr)
TEXT ·Line(SB),NOSPLIT,$0-8
	MOVD addr+0(FP), R0
	PRFM (R0), PLDL1KEEP
	RET

// func Stack(gp uintptr)
//
// 56 is the offset of g.sched.sp in the runtime's g (see prefetch_amd64.s).
TEXT ·Stack(SB),NOSPLIT,$0-8
	MOVD gp+0(FP), R0
	CBZ R0, done
	MOVD 56(R0), R0
	PRFM (R0), PLDL1KEEP
	PRFM 64(R0), PLDL1KEEP
	PRFM 128(R0), PLDL1KEEP
	PRFM 192(R0), PLDL1KEEP
	PRFM 256(R0), PLDL1KEEP
done:
	RET

// func word(addr uintptr) uintptr
TEXT ·word(SB),NOSPLIT,$0-16
	MOVD addr+0(FP), R0
	MOVD (R0), R0
	MOVD R0, ret+8(FP)
	RET
