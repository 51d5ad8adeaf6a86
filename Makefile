# SPDX-License-Identifier: GPL-2.0
#
# How to build kmprof. `make` builds the module against KDIR and the tool;
# `make check` runs every test tier on every target kernel; see README.md.

KDIR ?= /lib/modules/$(shell uname -r)/build
V ?= 0
TESTING := tools/testing

ifeq ($(V),0)
Q := @
else
Q :=
endif
export V
MAKEFLAGS += --no-print-directory

# kbuild's own quiet mode is kept; BTF for a module needs the target's
# vmlinux with BTF, which the headers packages do not ship.
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) CONFIG_DEBUG_INFO_BTF_MODULES=

# DKMS installs from a copy of the sources in /usr/src/kmprof-VERSION.
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SRC := /usr/src/kmprof-$(DKMS_VERSION)

.PHONY: all modules tools check demo bench style docs install dkms-install \
	dkms-remove clean

all: modules tools

modules:
	$(Q)$(MAKE) $(KBUILD_ARGS) modules

tools:
	$(Q)$(MAKE) -C tools

check:
	$(Q)$(TESTING)/check.sh

demo:
	$(Q)$(TESTING)/demo.sh

bench:
	$(Q)$(TESTING)/bench.sh

style:
	$(Q)$(TESTING)/style.sh

# HTML in build/docs; any Sphinx or kernel-doc warning fails. The kernel's
# kernel-doc and its Sphinx extension come from the linux-source tree that
# lib.sh extracts (KMPROF_LINUX_SRC overrides it), used in place.
KDOC_FILES = kmod/*.[ch] include/*.h

docs:
	$(Q)src=$${KMPROF_LINUX_SRC:-$$(bash -c '. $(TESTING)/vm/lib.sh && \
		linux_source_dir')} && \
	"$$src/scripts/kernel-doc" -none -Wall -Werror $(KDOC_FILES) && \
	KMPROF_LINUX_SRC=$$src KDOC_WERROR=1 \
		sphinx-build -W -q -b html Documentation build/docs

# The module, and the tool with its man page, bash completion and the unit
# of kmprof record (tools/Makefile: PREFIX, UNITDIR, DESTDIR).
install: all
	$(Q)$(MAKE) $(KBUILD_ARGS) modules_install
	$(Q)$(MAKE) -C tools install

dkms-install:
	$(Q)install -d $(DKMS_SRC)
	$(Q)cp -r Kbuild dkms.conf kmod include kunit $(DKMS_SRC)/
	$(Q)dkms install -m kmprof -v $(DKMS_VERSION)

dkms-remove:
	$(Q)dkms remove -m kmprof -v $(DKMS_VERSION) --all
	$(Q)rm -rf $(DKMS_SRC)

clean:
	$(Q)$(MAKE) $(KBUILD_ARGS) clean 2>/dev/null || true
	$(Q)$(MAKE) -C tools clean
	$(Q)rm -rf build
