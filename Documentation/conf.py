# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration of kmprof's documentation: `make docs`.
#
# The reference parts are pulled from the kernel-doc comments of the code
# with the kernel's own kernel-doc extension, used in place from a Linux
# source tree: KMPROF_LINUX_SRC names it (the Makefile sets it to the tree
# tools/testing/vm/lib.sh extracts from Debian's linux-source package).
import os
import sys

from sphinx.errors import ConfigError

linux_src = os.environ.get('KMPROF_LINUX_SRC')
if not linux_src:
    raise ConfigError('KMPROF_LINUX_SRC is not set: build the documentation '
                      'with `make docs`, or set it to a Linux source tree')
sys.path.insert(0, os.path.join(linux_src, 'Documentation', 'sphinx'))

project = 'kmprof'
master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'

# automarkup links function() and Documentation/*.rst mentions to their
# targets, as in the kernel's own documentation.
extensions = ['kerneldoc', 'automarkup']
kerneldoc_bin = os.path.join(linux_src, 'scripts', 'kernel-doc')
# Paths in `.. kernel-doc::` directives are relative to the repository.
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                 '..'))
