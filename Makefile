# SPDX-License-Identifier: BSD-2-Clause
# Front end for users and CI: a thin layer over the CMake + Ninja build.
#
#   make                 build the chosen configuration, copy the image to ./vireo
#                        (and, for knsh, its EL0 programs to ./system)
#   make run             set up, build, boot it with its QEMU command line
#   make test            set up, host unit tests, build every configuration,
#                        QEMU suites; ends with "N passed, N failed"
#   make debug           QEMU halted (-S -s) in the background, gdb attached
#                        with the Vireo commands (tools/gdb/vireo.py: help vireo)
#   make export          the SDK for EL0 programs outside the tree:
#                        ./vireo-export-VERSION.tar.gz (docs/kernel-mode.md)
#   make bench           build, time 5 boots, footprint and osperf figures
#                        into BUILD/bench.json (BENCH_ARGS=--icount: repeatable)
#   make menuconfig      edit the build's Kconfig configuration
#   make savedefconfig   write the minimal defconfig to BUILD/defconfig
#   make distclean       remove every build directory, ./vireo, .config files
#
# CONFIG=qemu-armv8a:nsh_gicv2 make run   picks the configuration (as
# tools/configure.sh does); without CONFIG it is the one build/ has, else
# qemu-armv8a:nsh.  BUILD=dir uses another build directory.

BUILD ?= build
CONFIG ?= $(or $(shell cat $(BUILD)/.vireo-config 2>/dev/null),qemu-armv8a:nsh)
QEMU_ARGS ?=
PYTHON ?= python3
ifeq ($(V),1)
NINJA_FLAGS := -- -v
endif

.PHONY: all setup configure run debug debug-qemu gdb test bench export menuconfig \
	savedefconfig clean distclean list help

all: configure
	@cmake --build $(BUILD) $(NINJA_FLAGS)
	@cmp -s $(BUILD)/vireo vireo || cp $(BUILD)/vireo vireo
	@# The kernel build's programs, which its image mounts from ./system.
	@if [ -d $(BUILD)/system ]; then rm -rf system && cp -r $(BUILD)/system system; fi
	@echo "make: vireo ($(CONFIG)) is ready; make run boots it"

setup:
	@tools/setup.sh -q

configure: setup
	@tools/configure.sh -q -B $(BUILD) $(CONFIG)

run: all
	@$(PYTHON) tools/qemu.py run -B $(BUILD) -- $(QEMU_ARGS)

# One terminal: QEMU in the background (console in BUILD/debug-console.log),
# gdb in front; QEMU stops when gdb quits.
debug: all
	@$(PYTHON) tools/qemu.py debug -B $(BUILD) -- $(QEMU_ARGS)

# Two terminals, as in the board document: `make debug-qemu` in the first
# (interactive console, halted until gdb continues), `make gdb` in the second.
debug-qemu: all
	@$(PYTHON) tools/qemu.py run -B $(BUILD) -- -S -s $(QEMU_ARGS)

gdb:
	gdb-multiarch -q -ex 'target remote localhost:1234' -x tools/gdb/vireo.py $(BUILD)/vireo

test: setup
	@tests/run_all.sh

export: all
	@cmake --build $(BUILD) --target export $(NINJA_FLAGS)
	@cp $(BUILD)/vireo-export-*.tar.gz .
	@echo "make: $$(cd $(BUILD) && ls vireo-export-*.tar.gz) is ready (its README.md says how to use it)"

BENCH_ARGS ?=
bench: all
	@$(PYTHON) tools/bench.py -B $(BUILD) --no-build $(BENCH_ARGS)

menuconfig: configure
	@$(PYTHON) tools/kconfig.py menuconfig $(BUILD)

savedefconfig: configure
	@$(PYTHON) tools/kconfig.py savedefconfig $(BUILD) $(BUILD)/defconfig
	@echo "make: keep it with: cp $(BUILD)/defconfig boards/$(subst :,/configs/,$(CONFIG))/defconfig"

clean:
	@if [ -f $(BUILD)/CMakeCache.txt ]; then cmake --build $(BUILD) --target clean; fi
	rm -f vireo

distclean:
	rm -rf build*/ system/ vireo vireo.map .config .config.old bench.json vireo-export-*.tar.gz

list:
	@tools/configure.sh -L

# The header comment above, down to its last line.
help:
	@sed -n '2,/^[^#]/s/^# \{0,1\}//p' Makefile
