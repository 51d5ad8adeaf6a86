#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Prove that the VM judge can fail.

A console log recorded from a passing selftest run on the stock 6.12 kernel
is judged as it is (it must pass), with a file the guest handed over in the
middle (it must still pass), and with one change each: a failing KTAP
case, a lockdep splat, a timeout, and a guest that died mid-document. Every
such variant must be judged a failure. A warning of kmprof's fail-safe
passes only inside a bracket that expects exactly that many, and the
kernel's report of an OOM kill only inside an expect-oom bracket. The judge's
KTAP totals must say what its verdict says. Prints KTAP.
"""

import os
import re
import subprocess
import sys
import tempfile

from judge import ktap_report

HERE = os.path.dirname(os.path.abspath(__file__))
JUDGE = os.path.join(HERE, 'judge.py')
DATA = os.path.join(HERE, 'testdata')


def recorded():
    with open(os.path.join(DATA, 'selftest-6.12.log')) as f:
        return f.read().splitlines()


def replace_once(lines, old, new):
    hits = [i for i, line in enumerate(lines) if line.endswith(old)]
    assert len(hits) == 1, f'{old!r} occurs {len(hits)} times'
    out = list(lines)
    out[hits[0]] = out[hits[0]][:-len(old)] + new
    return out


def failing_case(lines):
    lines = replace_once(lines, '    ok 3 stats_header',
                         '    not ok 3 stats_header')
    return replace_once(lines, 'ok 1 load_unload_test',
                        'not ok 1 load_unload_test')


def lockdep_splat(lines, after='ok 4 tool_stats'):
    with open(os.path.join(DATA, 'lockdep-splat.txt')) as f:
        splat = f.read().splitlines()
    at = next(i for i, line in enumerate(lines) if after in line)
    return lines[:at + 1] + splat + lines[at + 1:]


def failsafe_warning(lines, begin=None, end=True):
    """The fail-safe's warning, inside an expect-warnings bracket of BEGIN."""
    with open(os.path.join(DATA, 'failsafe-warning.txt')) as f:
        warning = f.read().splitlines()
    at = next(i for i, line in enumerate(lines) if 'ok 4 tool_stats' in line)
    if begin is not None:
        warning = [f'[    3.000001] kmprof-vm: expect-warnings begin {begin}'
                   ] + warning
    if end and begin is not None:
        warning.append('[    3.700001] kmprof-vm: expect-warnings end')
    return lines[:at + 1] + warning + lines[at + 1:]


def oom_report(lines, bracket=True, kill=True, inside=None):
    """A recorded OOM kill's report (without it, KILL=False), inside an
    expect-oom bracket if BRACKET, with INSIDE(lines) applied to the
    bracket's lines."""
    with open(os.path.join(DATA, 'oom-report.txt')) as f:
        report = f.read().splitlines() if kill else []
    if bracket:
        report = (['[    3.000001] kmprof-vm: expect-oom begin'] + report +
                  ['[    3.900001] kmprof-vm: expect-oom end'])
    if inside:
        report = inside(report)
    at = next(i for i, line in enumerate(lines) if 'ok 4 tool_stats' in line)
    return lines[:at + 1] + report + lines[at + 1:]


def with_artifact(lines):
    """A base64 artifact whose text happens to spell a splat word."""
    at = next(i for i, line in enumerate(lines) if 'ok 4 tool_stats' in line)
    block = ['[    3.000001] kmprof-vm: artifact-begin x.bin',
             '[    3.000002] H4sIAOopsAAWARNING:BUG:Call Trace:AAAA',
             '[    3.000003] kmprof-vm: artifact-end x.bin']
    return lines[:at + 1] + block + lines[at + 1:]


def cut_at(lines, text):
    return lines[:next(i for i, line in enumerate(lines) if text in line)]


def judge(lines, *extra):
    """Return (exit status, output) of the judge on a log."""
    with tempfile.NamedTemporaryFile('w', suffix='.log') as log:
        log.write('\n'.join(lines) + '\n')
        log.flush()
        proc = subprocess.run(
            [sys.executable, JUDGE, '--name', 'judge-test',
             '--kunit-py', KUNIT_PY, *extra, log.name],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode, proc.stdout


def main():
    global KUNIT_PY
    KUNIT_PY = sys.argv[1]
    clean = recorded()
    cases = [
        # name, log, judge flags, expected verdict line
        ('clean_log_passes', clean, [], ': 7 ok, 0 not ok'),
        ('artifact_is_neither_ktap_nor_splat', with_artifact(clean), [],
         ': 7 ok, 0 not ok'),
        ('failing_ktap_case_fails', failing_case(clean), [],
         ': 6 ok, 1 not ok'),
        ('lockdep_splat_fails', lockdep_splat(clean), [],
         ': 6 ok, 1 not ok'),
        ('expected_warning_passes', failsafe_warning(clean, 1), [],
         ': 7 ok, 0 not ok'),
        ('unexpected_warning_fails', failsafe_warning(clean), [],
         ': 6 ok, 1 not ok'),
        ('warning_count_differs_fails', failsafe_warning(clean, 2), [],
         ': 6 ok, 1 not ok'),
        ('unclosed_bracket_fails', failsafe_warning(clean, 1, end=False), [],
         ': 6 ok, 1 not ok'),
        ('other_splat_in_bracket_fails',
         lockdep_splat(failsafe_warning(clean, 1), 'expect-warnings begin'),
         [], ': 6 ok, 1 not ok'),
        ('expected_oom_passes', oom_report(clean), [], ': 7 ok, 0 not ok'),
        ('unexpected_oom_fails', oom_report(clean, bracket=False), [],
         ': 6 ok, 1 not ok'),
        ('oom_bracket_without_kill_fails', oom_report(clean, kill=False), [],
         ': 6 ok, 1 not ok'),
        ('other_splat_in_oom_bracket_fails',
         oom_report(clean, inside=lambda r: lockdep_splat(r, 'expect-oom begin')),
         [], ': 6 ok, 1 not ok'),
        ('timeout_fails', cut_at(clean, 'ok 5 rmmod_removes_dir'),
         ['--timed-out'], ': 0 ok, 2 not ok'),
        ('guest_death_fails', cut_at(clean, 'ok 5 rmmod_removes_dir'), [],
         ': 0 ok, 2 not ok'),
    ]
    results = []
    for name, lines, flags, verdict in cases:
        status, out = judge(lines, *flags)
        last = out.rstrip().splitlines()[-1]
        good = last.endswith(verdict) and (status == 0) == (
            verdict.endswith(' 0 not ok'))
        ok, not_ok = re.search(r': (\d+) ok, (\d+) not ok$', verdict).groups()
        good = good and f'# Totals: pass:{ok} fail:{not_ok} skip:0' in out
        if name == 'timeout_fails':
            good = good and 'timed out' in out
        if name == 'lockdep_splat_fails':
            good = good and 'possible circular locking' in out
        results.append((name, 'PASS' if good else 'FAIL',
                        [] if good else [out.rstrip()]))
    _, failed, _ = ktap_report(results)
    sys.exit(1 if failed else 0)

if __name__ == '__main__':
    main()
