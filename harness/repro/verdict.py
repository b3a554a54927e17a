"""What one half of a repro came to: pure functions of a command's result and the console."""

import re
from dataclasses import dataclass
from typing import List, Optional

from harness import splats as splat_finder, tap
from harness.tap import Status

REPRODUCED = "reproduced"
NOT_REPRODUCED = "NOT reproduced"
WRONG_REASON = "reproduced for the WRONG reason"
FIXED = "fixed"
NOT_FIXED = "NOT fixed"
SKIPPED = "skipped"

# kselftest_harness.h: "# refpage_rt.c:56:rt_shared_write:Expected ... " (ASSERT/EXPECT, TH_LOG)
_DIAGNOSTIC = re.compile(r"^#\s+(?P<where>[\w./-]+\.c:\d+):(?P<test>\w+):(?P<msg>.*)$")
# "# rt_uffd: Test terminated unexpectedly by signal 11"
_TERMINATED = re.compile(r"^#\s+(?P<test>\w+): (?P<msg>Test terminated .*)$")
_BY_ASSERTION = "Test terminated by assertion"
_HARNESS = re.compile(r"^#\s+(RUN|OK|FAIL|SKIP|XFAIL|XPASS|Starting|Totals:|FAILED:|PASSED:)")


@dataclass(frozen=True)
class Half:
    state: str
    text: str                  # the line printed for this half
    seconds: float = 0.0
    detail: str = ""           # the console excerpt around a splat, compiler errors, the console's tail

    @property
    def ok(self):
        return self.state in (REPRODUCED, FIXED, SKIPPED)


def failure_message(output: List[str], status) -> str:
    """The test's own words for why it failed: its first failed assertion, what it logged with it
    (TH_LOG), and the note a helper printed just before it."""
    lines = [line.strip() for line in output]
    found = [(i, m) for i, m in enumerate(map(_DIAGNOSTIC.match, lines)) if m]
    failed = [(i, m) for i, m in found if m.group("msg").startswith("Expected ")] or found
    if failed:
        i, first = failed[0]
        words = [first.group("msg").strip()]
        for line in lines[i + 1:i + 3]:
            m = _DIAGNOSTIC.match(line)
            if not m or m.group("msg").startswith("Expected "):
                break
            words.append(m.group("msg").strip())
        note = lines[i - 1][1:].strip() if i and _is_note(lines[i - 1]) else ""
        return f"{first.group('where')}: " + ": ".join(w for w in words if w) + (f" ({note})" if note else "")
    for line in lines:
        m = _TERMINATED.match(line)
        if m and m.group("msg") != _BY_ASSERTION:
            return m.group("msg")
    root = tap.combine_exit_status(tap.parse_tap(output, "test"), status)
    reasons = [leaf.reason for _, leaf in root.flatten() if not leaf.ok and leaf.reason] + [root.reason]
    return "; ".join(dict.fromkeys(r for r in reasons if r)) or tap.exit_status_verdict(status)[1] or "failed"


def _is_note(line):
    """A test's own "# ..." line, not the harness' bookkeeping nor an assertion."""
    return (line.startswith("# ") and not _DIAGNOSTIC.match(line) and not _TERMINATED.match(line)
            and not _HARNESS.match(line))


def test_status(output: List[str], status) -> Status:
    """PASS, FAIL or SKIP of one kselftest program run, from its TAP and its exit status together."""
    root = tap.combine_exit_status(tap.parse_tap(output, "test"), status)
    if root.status is Status.SKIP or (root.ok and root.counts().skipped and not root.counts().passed):
        return Status.SKIP
    return Status.PASS if root.ok else Status.FAIL


def skip_reason(output: List[str]) -> str:
    root = tap.parse_tap(output, "test")
    for _, leaf in root.flatten():
        if leaf.status is Status.SKIP and leaf.reason:
            return leaf.reason
    return root.reason or "no reason given"


def splat_excerpt(lines: List[str], found, limit=1) -> str:
    parts = []
    for s in found[:limit]:
        parts.append(f"--- kernel splat ({s.kind}) ---")
        excerpt = s.excerpt(lines, before=3, after=20).splitlines()
        parts.append("\n".join(splat_finder.strip_level(line) for line in excerpt))
    return "\n".join(parts)


def bug_half(test, result, boot_error: Optional[str], console: List[str], seconds=0.0) -> Half:
    """With the bug patch the reproducer must fail, or the kernel must splat while it runs."""
    if result is None:
        tail = "\n".join(console[-15:])
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: {test} did not run on the bug kernel: {boot_error}",
                    seconds, tail)
    found = splat_finder.find(console)
    excerpt = splat_excerpt(console, found)
    if result.guest_died:
        return Half(REPRODUCED, f"{REPRODUCED}: {test} failed as expected: the kernel died while it ran"
                    + (f" ({found[0].kind}: {_clean(found[0].line)})" if found else ""), seconds,
                    excerpt or "\n".join(console[-15:]))
    if result.timed_out:
        return Half(REPRODUCED, f"{REPRODUCED}: {test} failed as expected: it hung ({boot_error or 'timed out'})",
                    seconds, excerpt or "\n".join(console[-15:]))
    status = test_status(result.output, result.status)
    if status is Status.FAIL:
        return Half(REPRODUCED, f"{REPRODUCED}: {test} failed as expected: "
                    f"{failure_message(result.output, result.status)}", seconds, excerpt)
    if found:
        return Half(REPRODUCED, f"{REPRODUCED}: {test} passed but the kernel splatted as expected: "
                    f"{_clean(found[0].line)}", seconds, excerpt)
    if status is Status.SKIP:
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: {test} skipped on the bug kernel: "
                    f"{skip_reason(result.output)}", seconds)
    return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: {test} passed with the bug patch applied "
                "(is the bug patch faithful, is the reproducer strong enough?)", seconds)


def fixed_half(test, result, boot_error: Optional[str], console: List[str], seconds=0.0) -> Half:
    """Without the bug patch the reproducer must pass, and the kernel stay quiet while it runs."""
    if result is None:
        return Half(NOT_FIXED, f"{NOT_FIXED}: {test} did not run on the fixed kernel: {boot_error}",
                    seconds, "\n".join(console[-15:]))
    found = splat_finder.find(console)
    if result.guest_died or result.timed_out:
        what = "the kernel died while it ran" if result.guest_died else f"it hung ({boot_error or 'timed out'})"
        return Half(NOT_FIXED, f"{NOT_FIXED}: {test} failed without the bug patch: {what}", seconds,
                    splat_excerpt(console, found) or "\n".join(console[-15:]))
    status = test_status(result.output, result.status)
    if status is Status.FAIL:
        return Half(NOT_FIXED, f"{NOT_FIXED}: {test} failed without the bug patch: "
                    f"{failure_message(result.output, result.status)}", seconds, splat_excerpt(console, found))
    if status is Status.SKIP:
        return Half(NOT_FIXED, f"{NOT_FIXED}: {test} skipped on the fixed kernel: {skip_reason(result.output)}",
                    seconds)
    if found:
        return Half(NOT_FIXED, f"{NOT_FIXED}: {test} passed but the kernel splatted: {_clean(found[0].line)}",
                    seconds, splat_excerpt(console, found))
    return Half(FIXED, f"{FIXED}: passed", seconds)


def for_its_reason(bug, half: Half) -> Half:
    """A bug half that failed, but not the way its id says it must, reproduced nothing."""
    if half.state != REPRODUCED or not bug.expect:
        return half
    failure = half.text.split(": ", 1)[1] if ": " in half.text else half.text
    if bug.for_its_reason(failure):
        return half
    said = failure.replace(" as expected", "")
    return Half(WRONG_REASON, f"{WRONG_REASON}: {said} (its id expects /{bug.expect}/)", half.seconds,
                half.detail)


def build_bug_half(error, tree="", seconds=0.0) -> Half:
    """RT-semicolon: the bug half is a compiler error (`error` is the build's StageFailed, or None);
    file names are shown relative to the kernel tree."""
    if error is None:
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: the series built with the bug patch applied", seconds)
    text = (error.detail or "").replace(f"{tree}/", "") if tree else (error.detail or "")
    lines = [line for line in text.splitlines() if line.strip()]
    where = next((line for line in lines if ": error:" in line), lines[0] if lines else str(error))
    return Half(REPRODUCED, f"{REPRODUCED}: the build failed as expected: {where.strip()}", seconds,
                "\n".join(lines[:12]))


def _clean(line):
    return splat_finder.strip_level(line).strip()[:160]
