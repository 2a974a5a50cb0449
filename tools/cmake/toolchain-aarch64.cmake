# SPDX-License-Identifier: BSD-2-Clause
# Cross toolchain for Vireo images: the distribution's AArch64 GCC used
# freestanding with picolibc.  CROSS_COMPILE overrides the prefix;
# aarch64-none-elf- is preferred when it is on PATH.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(DEFINED ENV{CROSS_COMPILE})
	set(VIREO_CROSS "$ENV{CROSS_COMPILE}")
elseif(NOT VIREO_CROSS)
	find_program(_none_elf_gcc aarch64-none-elf-gcc)
	if(_none_elf_gcc)
		set(VIREO_CROSS aarch64-none-elf-)
	else()
		set(VIREO_CROSS aarch64-linux-gnu-)
	endif()
endif()
set(VIREO_CROSS "${VIREO_CROSS}" CACHE STRING "cross-compiler prefix")

set(CMAKE_C_COMPILER ${VIREO_CROSS}gcc)
set(CMAKE_ASM_COMPILER ${VIREO_CROSS}gcc)
set(CMAKE_OBJCOPY ${VIREO_CROSS}objcopy)
set(CMAKE_SIZE ${VIREO_CROSS}size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
