# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration of kmprof's documentation: `make docs`.
project = 'kmprof'
master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'
