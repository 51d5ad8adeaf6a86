#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the console log of one kmprof test VM.

The guest brackets each KTAP document with "kmprof-vm: ktap-begin NAME" and
"kmprof-vm: ktap-end NAME" and ends with "kmprof-vm: done". Each document is
parsed by the kernel's own kunit.py; every test case it reports counts. On
top of that the run itself is one case, "console": it fails on a timeout, on
a run that never reached "done", and on any kernel splat anywhere in the log
but one a test asked for: between "kmprof-vm: expect-warnings begin N" and
"kmprof-vm: expect-warnings end", exactly N warnings of kmprof's fail-safe
("kmprof: invariant broken") and no other splat are what the test wants;
any other count fails the run. Likewise, between "kmprof-vm: expect-oom
begin" and "kmprof-vm: expect-oom end" the kernel's own reports of memory
running out are what the test wants: the stack each OOM kill and each
failed allocation prints ("invoked oom-killer", "page allocation
failure", a few lines on, "Call Trace:" to "</TASK>") is no splat there,
and at least one OOM kill must be in the bracket. Any other splat in it
still fails the run.

The judge prints its cases as a KTAP document of its own (a plan, one
"ok N NAME" or "not ok N NAME" per case, "# SKIP" on a skipped one, and
"# Totals: pass:N fail:N skip:N"), which tools/testing/check.sh counts,
and then, last, "judge NAME: N ok, N not ok".
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

MARK = re.compile(r'kmprof-vm: (ktap-begin|ktap-end|done)\s*(\S*)')
# Files the guest hands to the host (base64) are neither KTAP nor messages.
ARTIFACT = re.compile(r'kmprof-vm: artifact-(begin|end) ')
# Warnings a test provokes on purpose (the fail-safe's), and what they say.
EXPECT = re.compile(r'kmprof-vm: expect-warnings (?:begin (\d+)|end)')
FAILSAFE = 'kmprof: invariant broken'
WARNING = re.compile(r'WARNING:')
# The out-of-memory reports a test provokes on purpose.
EXPECT_OOM = re.compile(r'kmprof-vm: expect-oom (begin|end)')
OOM_KILL = re.compile(r'invoked oom-killer:')
OOM_REPORT = re.compile(r'invoked oom-killer:|page allocation failure:')
# How far after its first line a report's stack starts, and how long it is.
OOM_TRACE_AFTER = 6
OOM_TRACE_MAX = 80

# Anything here anywhere in the log fails the run: the kernel found a bug,
# in kmprof or in what it drove.
SPLATS = re.compile('|'.join([
    r'WARNING:', r'BUG:', r'Oops', r'Kernel panic',
    r'general protection fault', r'Call Trace:', r'UBSAN:', r'KASAN:',
    r'possible circular locking', r'inconsistent lock state',
    r'possible recursive locking', r'irq lock inversion',
    r'suspicious RCU usage', r'DEBUG_LOCKS_WARN_ON',
    r'INFO: lockdep is turned off', r'blocked for more than',
    r'rcu: INFO', r'self-detected stall', r'soft lockup', r'hard LOCKUP',
    r'unreferenced object 0x',
]))
SPLAT_CONTEXT = 25


def kunit_leaves(group):
    """Yield (name, status) for every test case of a kunit.py JSON group."""
    for case in group.get('test_cases', []):
        yield case['name'], case['status']
    for sub in group.get('sub_groups', []):
        for name, status in kunit_leaves(sub):
            yield sub['name'] + '.' + name, status


def parse_ktap(kunit_py, lines):
    """Run kunit.py parse on one document; return (cases, parser_ok, text)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'ktap.log')
        out = os.path.join(tmp, 'result.json')
        with open(src, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        proc = subprocess.run(
            [sys.executable, kunit_py, 'parse', '--json=' + out, src],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        cases = []
        if os.path.exists(out):
            with open(out) as f:
                cases = list(kunit_leaves(json.load(f)))
    return cases, proc.returncode == 0, proc.stdout


def without_artifacts(lines):
    """The log without the lines of the guest's artifacts."""
    out, inside = [], False
    for line in lines:
        m = ARTIFACT.search(line)
        if m:
            inside = m.group(1) == 'begin'
        elif not inside:
            out.append(line)
    return out


def without_expected(lines):
    """The log without the warnings a test asked for; and the problems.

    A bracket is dropped when it holds exactly its N fail-safe warnings and
    no splat but theirs (each warning's block is its WARNING: line, the
    fail-safe's message and the trace after it); otherwise it stays, so
    that its splats are reported, and the count is a problem of its own.
    """
    out, problems, start, want = [], [], None, 0
    for i, line in enumerate(lines):
        m = EXPECT.search(line)
        if not m:
            if start is None:
                out.append(line)
            continue
        if m.group(1) is not None:
            if start is not None:
                problems.append('an expect-warnings bracket never ended')
                out.extend(lines[start:i])
            start, want = i, int(m.group(1))
            continue
        if start is None:
            continue
        body = lines[start + 1:i]
        warnings = sum(1 for l in body if WARNING.search(l))
        failsafe = sum(1 for l in body if FAILSAFE in l)
        others = [b for b in find_splats(body)
                  if not any(FAILSAFE in l for l in b)]
        if warnings != want or failsafe != want or others:
            problems.append(f'{warnings} warning(s), {failsafe} of the '
                            f'fail-safe, where a test expected {want}')
            out.extend(body)
        start = None
    if start is not None:
        problems.append('an expect-warnings bracket never ended')
        out.extend(lines[start:])
    return out, problems


def without_oom_reports(lines):
    """The log without the OOM reports a test asked for; and the problems.

    Inside an expect-oom bracket, the stack of each report of memory
    running out (from its "Call Trace:" to its "</TASK>", if that is near)
    is dropped, the rest of the report kept (it holds no splat). A bracket without an OOM
    kill, or one never closed, is a problem.
    """
    out, problems, inside, kills, report_at = [], [], False, 0, None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = EXPECT_OOM.search(line)
        if m:
            if m.group(1) == 'begin':
                inside, kills = True, 0
            elif inside:
                if not kills:
                    problems.append('an expect-oom bracket saw no OOM kill')
                inside = False
            i += 1
            continue
        if inside and OOM_REPORT.search(line):
            report_at = i
            kills += bool(OOM_KILL.search(line))
        if (inside and report_at is not None and 'Call Trace:' in line
                and i - report_at <= OOM_TRACE_AFTER):
            end = next((j for j in range(i, min(len(lines),
                                               i + OOM_TRACE_MAX))
                        if '</TASK>' in lines[j]), None)
            report_at = None
            if end is not None:
                i = end + 1
                continue
        out.append(line)
        i += 1
    if inside:
        problems.append('an expect-oom bracket never ended')
    return out, problems


def find_documents(lines):
    """Return ([(name, lines)], [names never closed], reached_done)."""
    docs, unclosed, done = [], [], False
    current, body = None, []
    for line in lines:
        m = MARK.search(line)
        if not m:
            if current is not None:
                body.append(line)
            continue
        what, name = m.groups()
        if what == 'ktap-begin':
            if current is not None:
                unclosed.append(current)
            current, body = name, []
        elif what == 'ktap-end' and current is not None:
            docs.append((current, body))
            current = None
        elif what == 'done':
            done = True
    if current is not None:
        unclosed.append(current)
    return docs, unclosed, done


def find_splats(lines):
    """Return the blocks of lines around every splat, overlapping merged."""
    blocks, end = [], -1
    for i, line in enumerate(lines):
        if SPLATS.search(line) and i > end:
            end = min(len(lines), i + SPLAT_CONTEXT)
            blocks.append(lines[max(0, i - 2):end])
    return blocks


def ktap_report(cases):
    """Print CASES, [(name, status, reasons)], as one KTAP document.

    STATUS is 'PASS', 'SKIP' or anything else for a failure; each reason
    is a diagnostic line printed before its case. Return (passed, failed,
    skipped).
    """
    totals = {'PASS': 0, 'SKIP': 0, 'FAIL': 0}
    print('KTAP version 1')
    print(f'1..{len(cases)}')
    for i, (case, status, reasons) in enumerate(cases, 1):
        for reason in reasons:
            print('# ' + reason.replace('\n', '\n# '))
        kind = status if status in ('PASS', 'SKIP') else 'FAIL'
        totals[kind] += 1
        print(f'{"not ok" if kind == "FAIL" else "ok"} {i} {case}'
              + (' # SKIP' if kind == 'SKIP' else ''))
    print(f'# Totals: pass:{totals["PASS"]} fail:{totals["FAIL"]} '
          f'skip:{totals["SKIP"]}')
    return totals['PASS'], totals['FAIL'], totals['SKIP']


def judge(name, log_lines, kunit_py, timed_out):
    """Print the verdict of one run; return (passed, failed)."""
    cases = []
    console_problems = []
    log_lines = without_artifacts(log_lines)

    docs, unclosed, done = find_documents(log_lines)
    for doc, body in docs:
        found, parser_ok, text = parse_ktap(kunit_py, body)
        bad = [(c, s) for c, s in found if s not in ('PASS', 'SKIP')]
        # kunit.py's report, once, before the first failure it explains
        report = [text.rstrip()] if bad or not parser_ok or not found else []
        for case, status in found:
            reasons = []
            if status not in ('PASS', 'SKIP'):
                reasons = report + [f'judge {name}: {doc}: {case}: {status}']
                report = []
            cases.append((f'{doc}.{case}', status, reasons))
        if not found:
            cases.append((doc, 'FAIL', report +
                          [f'judge {name}: {doc}: no test case ran']))
        elif not parser_ok and not bad:
            cases.append((doc, 'FAIL', report +
                          [f'judge {name}: {doc}: kunit.py rejected the KTAP']))
    for doc in unclosed:
        cases.append((doc, 'FAIL', [
            f'judge {name}: {doc}: the KTAP document never ended']))

    if timed_out:
        console_problems.append('the VM timed out')
    elif not done:
        console_problems.append('the guest never reached its end')
    unexpected, oom_problems = without_oom_reports(log_lines)
    unexpected, bracket_problems = without_expected(unexpected)
    console_problems += oom_problems + bracket_problems
    splats = find_splats(unexpected)
    if splats:
        console_problems.append(f'{len(splats)} kernel splat(s)')
    if console_problems:
        reasons = [f'judge {name}: console: ' + ', '.join(console_problems)]
        reasons += ['  | ' + '\n  | '.join(block) for block in splats]
        cases.append(('console', 'FAIL', reasons))
    else:
        cases.append(('console', 'PASS', []))
    passed, failed, _ = ktap_report(cases)
    print(f'judge {name}: {passed} ok, {failed} not ok')
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--name', required=True, help='run name in messages')
    ap.add_argument('--kunit-py', required=True, help="the kernel's kunit.py")
    ap.add_argument('--timed-out', action='store_true',
                    help='the VM was killed by its timeout')
    ap.add_argument('log', help='console log of the run')
    args = ap.parse_args()
    with open(args.log, errors='replace') as f:
        lines = [l.rstrip('\r\n').replace('\r', '') for l in f]
    _, failed = judge(args.name, lines, os.path.abspath(args.kunit_py),
                      args.timed_out)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
