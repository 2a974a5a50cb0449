/* SPDX-License-Identifier: BSD-2-Clause */
/* ESR_ELx exception classes and fault status codes (Arm ARM D17.2.37). */
#pragma once

#define ESR_EC_SHIFT		26
#define ESR_EC(esr)		(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_ISS(esr)		((esr) & 0x1ffffff)

#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_WFX		0x01
#define ESR_EC_FP_ASIMD		0x07
#define ESR_EC_BTI		0x0d	/* branch target exception (FEAT_BTI) */
#define ESR_EC_ILLEGAL		0x0e
#define ESR_EC_SVC64		0x15
#define ESR_EC_SYS64		0x18
#define ESR_EC_FPAC		0x1c	/* failed authentication (FEAT_FPAC) */
#define ESR_EC_IABT_LOW		0x20
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_PC_ALIGN		0x22
#define ESR_EC_DABT_LOW		0x24
#define ESR_EC_DABT_CUR		0x25
#define ESR_EC_SP_ALIGN		0x26
#define ESR_EC_FP_EXC64		0x2c
#define ESR_EC_SERROR		0x2f
#define ESR_EC_BREAKPT_LOW	0x30
#define ESR_EC_BREAKPT_CUR	0x31
#define ESR_EC_SOFTSTP_LOW	0x32
#define ESR_EC_SOFTSTP_CUR	0x33
#define ESR_EC_WATCHPT_LOW	0x34
#define ESR_EC_WATCHPT_CUR	0x35
#define ESR_EC_BRK64		0x3c

/* Data/instruction abort ISS: fault status code in bits [5:0] */
#define ESR_xFSC(esr)		((esr) & 0x3f)
#define ESR_DABT_WNR		(1 << 6)
/* xFSC 0b010001: synchronous tag check fault (MTE) */
#define ESR_FSC_TAG_CHECK	0x11
