"""KTAP / TAP output of one test program, parsed into a tree of results.

Pure: lines in, a `TestResult` tree out, nothing printed.  Two kinds of
nesting are understood, arbitrarily deep and in any mix: KTAP/TAP14
indentation (a more indented version, plan, `# Subtest:` or result line opens
a subtest stream) and kselftest's runner, which prints each program's whole
TAP stream behind `# ` (a `# TAP version 13` or `# 1..N` line opens one).
Either kind of nested stream becomes the test named by the parent's result
line that follows it.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, Optional

CUT_OFF = "cut off (crash or timeout?)"
NO_OUTPUT = "no TAP output"
NO_RESULT_LINE = "no result line after its subtests"
NO_RESULTS = "no test results"

# Guards against hostile input: nesting this deep or plans this large are
# garbage, and must not exhaust the stack or memory.
MAX_DEPTH = 64
MAX_MISSING_LEAVES = 100


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"
    XFAIL = "XFAIL"  # expected failure (TODO / XFAIL): does not fail the run
    ERROR = "ERROR"  # the test could not run or its output is broken

    @property
    def ok(self) -> bool:
        return self in (Status.PASS, Status.SKIP, Status.XFAIL)


# When statuses combine, the higher one wins.
_SEVERITY = {Status.SKIP: 0, Status.XFAIL: 1, Status.PASS: 2, Status.FAIL: 3, Status.ERROR: 4}


def worst(*statuses: Status) -> Status:
    return max(statuses, key=_SEVERITY.__getitem__)


@dataclass(frozen=True)
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    xfailed: int = 0
    errors: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped + self.xfailed + self.errors

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.errors == 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.skipped + other.skipped,
            self.xfailed + other.xfailed,
            self.errors + other.errors,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "xfailed": self.xfailed,
            "errors": self.errors,
        }


_COUNT_FIELD = {
    Status.PASS: "passed",
    Status.FAIL: "failed",
    Status.SKIP: "skipped",
    Status.XFAIL: "xfailed",
    Status.ERROR: "errors",
}


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class, despite the name

    name: str
    status: Status = Status.PASS
    number: Optional[int] = None
    reason: str = ""
    directive: str = ""  # SKIP, TODO, XFAIL, XPASS, TIMEOUT, ERROR as written
    subtests: list[TestResult] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status.ok

    def walk(self, _path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], TestResult]]:
        """Every node, pre-order, with its path of names from the root."""
        path = _path + (self.name,)
        yield path, self
        for sub in self.subtests:
            yield from sub.walk(path)

    def flatten(self) -> list[tuple[tuple[str, ...], TestResult]]:
        """The results worth reporting: the leaves, plus any failed node
        none of whose leaves failed (e.g. a crash after all tests passed)."""
        return _flatten(self, ())

    def counts(self) -> Counts:
        tally = dict.fromkeys(_COUNT_FIELD.values(), 0)
        for _, item in self.flatten():
            tally[_COUNT_FIELD[item.status]] += 1
        return Counts(**tally)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "number": self.number,
            "reason": self.reason,
            "directive": self.directive,
            "log": list(self.log),
            "warnings": list(self.warnings),
            "subtests": [sub.to_dict() for sub in self.subtests],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestResult:
        return cls(
            name=data["name"],
            status=Status(data["status"]),
            number=data.get("number"),
            reason=data.get("reason", ""),
            directive=data.get("directive", ""),
            subtests=[cls.from_dict(sub) for sub in data.get("subtests", [])],
            log=list(data.get("log", [])),
            warnings=list(data.get("warnings", [])),
        )


def _flatten(node: TestResult, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], TestResult]]:
    path = path + (node.name,)
    if not node.subtests:
        return [(path, node)]
    items = [item for sub in node.subtests for item in _flatten(sub, path)]
    if not node.ok and all(result.ok for _, result in items):
        items.append((path, node))
    return items


# ---------------------------------------------------------------- line kinds

# All matched against right-stripped text, and greedy, so that no garbage
# line can make them backtrack for long.
_VERSION = re.compile(r"^(?:KTAP|TAP) version \d+$")
_PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*))?$")
_RESULT = re.compile(r"^(not ok|ok)(?=\s|$)\s*(.*)$")
_BAIL = re.compile(r"^Bail out!\s*(.*)$")
_SUBTEST = re.compile(r"^#\s*Subtest:\s*(.*)$")
_HARNESS_RUN = re.compile(r"^#\s+RUN\s+(\S+)\s+\.\.\.$")
_NAME_HINT = re.compile(r"^#\s*(?:Subtest:\s*(.+)|(selftests: .+))$")
_NUMBERED = re.compile(r"^(\d+)(?:\s+|$)(?:-\s+|-$)?(.*)$")
_UNESCAPED_HASH = re.compile(r"(?<!\\)#")
_DIRECTIVE = re.compile(r"^(skip\w*|todo|xfail|xpass|timeout|error)\b[\s:]*(.*)$", re.IGNORECASE)
_LEADING_WS = re.compile(r"^[ \t]+")


def _is_structural(rem: str) -> bool:
    text = rem.rstrip()
    return any(p.match(text) for p in (_VERSION, _PLAN, _RESULT, _BAIL))


def _closes(line: str, ancestors: tuple[str, ...]) -> bool:
    """Whether a line is structure of an enclosing stream (so ours ended)."""
    for prefix in ancestors:
        rem = _strip_prefix(line, prefix)
        if rem is not None and _is_structural(rem):
            return True
    return False


def _strip_prefix(line: str, prefix: str) -> Optional[str]:
    """The line's text inside a level, or None if it is not the level's."""
    if line.startswith(prefix):
        return line[len(prefix):]
    if line.rstrip() == prefix.rstrip():
        return ""  # an empty line inside the level, trailing space eaten
    return None


def _nested_prefix(rem: str) -> Optional[str]:
    """The extra prefix if this line opens a nested stream, else None."""
    ws = _LEADING_WS.match(rem)
    if ws:
        inner = rem[ws.end():].rstrip()
        if any(p.match(inner) for p in (_VERSION, _PLAN, _SUBTEST, _RESULT)):
            return ws.group()
        return None
    inner = rem[2:].rstrip()
    if rem.startswith("# ") and (_VERSION.match(inner) or _PLAN.match(inner)):
        return "# "
    return None


def _split_directive(text: str) -> tuple[str, Optional[str]]:
    m = _UNESCAPED_HASH.search(text)
    if not m:
        return text, None
    return text[: m.start()], text[m.end():].strip()


def _classify(passed: bool, note: Optional[str]) -> tuple[Status, str, str]:
    """(status, reason, directive) of a result line."""
    plain = Status.PASS if passed else Status.FAIL
    if note is None:
        return plain, "", ""
    m = _DIRECTIVE.match(note)
    if not m:
        return plain, note, ""
    word, rest = m.group(1).upper(), m.group(2).strip()
    if word.startswith("SKIP"):
        return Status.SKIP, rest, "SKIP"
    if word == "XFAIL":
        return Status.XFAIL, rest, word
    if word == "TODO":
        return (Status.PASS if passed else Status.XFAIL), f"TODO {rest}".strip(), word
    if word == "ERROR" and not passed:
        return Status.ERROR, rest, word
    return plain, f"{word} {rest}".strip(), word


def _result_from_line(m: re.Match[str]) -> TestResult:
    body, note = _split_directive(m.group(2))
    numbered = _NUMBERED.match(body.strip())
    number = int(numbered.group(1)) if numbered else None
    name = (numbered.group(2) if numbered else body.strip().removeprefix("- ")).strip()
    status, reason, directive = _classify(m.group(1) == "ok", note)
    return TestResult(
        name=name.replace("\\#", "#"), status=status, number=number,
        reason=reason, directive=directive,
    )


# ------------------------------------------------------------------- parsing


class _Lines:
    """A lazy line stream with one line of lookahead."""

    def __init__(self, lines: Iterable[str]):
        self._it = iter(lines)
        self._head: Optional[str] = None
        self._done = False
        self.consumed = 0

    def peek(self) -> Optional[str]:
        if self._head is None and not self._done:
            try:
                self._head = next(self._it).rstrip("\r\n").replace("\r", "")
            except StopIteration:
                self._done = True
        return self._head

    def pop(self) -> str:
        line = self.peek()
        assert line is not None
        self._head = None
        self.consumed += 1
        return line


@dataclass
class _Level:
    """Parsing state of one TAP stream: the root's, or a nested one."""

    node: TestResult
    prefix: str
    ancestors: tuple[str, ...]
    depth: int
    plan: Optional[int] = None
    plan_note: str = ""
    seen_tap: bool = False
    bail: Optional[str] = None
    running: Optional[str] = None  # harness `RUN` seen, result line not yet
    pending: list[str] = field(default_factory=list)

    @property
    def is_root(self) -> bool:
        return self.depth == 0

    def flush_pending(self, into: list[str]) -> None:
        into.extend(self.pending)
        self.pending = []


@dataclass
class _Verdict:
    status: Status
    reason: str = ""
    directive: str = ""


class _Parser:
    def __init__(self, lines: _Lines):
        self.lines = lines

    def run_level(self, lv: _Level) -> str:
        """Parse one stream; returns how it ended: eof, outer or sibling."""
        while (line := self.lines.peek()) is not None:
            rem = _strip_prefix(line, lv.prefix)
            if rem is None:
                if _closes(line, lv.ancestors):
                    return "outer"
                lv.pending.append(self.lines.pop())  # stray output: keep it
                continue
            if not self.handle(lv, rem):
                return "sibling"
        return "eof"

    def handle(self, lv: _Level, rem: str) -> bool:
        """Consume one line of this level; False if it starts a sibling."""
        text = rem.rstrip()
        if _VERSION.match(text):
            return self.on_version(lv, text)
        if (m := _SUBTEST.match(text)) and self.in_header(lv) and not lv.is_root:
            self.lines.pop()
            lv.node.name = m.group(1) or lv.node.name
        elif m := _PLAN.match(text):
            self.on_plan(lv, m, rem)
        elif m := _RESULT.match(text):
            self.lines.pop()
            self.add(lv, self.with_log(lv, _result_from_line(m)))
        elif m := _BAIL.match(text):
            self.lines.pop()
            lv.pending.append(rem)
            lv.bail = m.group(1) or "(no reason)"
        elif lv.depth < MAX_DEPTH and (extra := _nested_prefix(rem)) is not None:
            self.on_nested(lv, extra)
        elif m := _HARNESS_RUN.match(text):
            self.lines.pop()
            lv.flush_pending(lv.node.log)
            lv.pending.append(rem)
            lv.running = m.group(1)
        else:
            self.lines.pop()
            lv.pending.append(rem)
        return True

    @staticmethod
    def in_header(lv: _Level) -> bool:
        return lv.plan is None and not lv.node.subtests

    def on_version(self, lv: _Level, rem: str) -> bool:
        if lv.seen_tap and not lv.is_root:
            return False  # our stream ended without a result line
        self.lines.pop()
        if lv.seen_tap:
            lv.node.warnings.append(f"unexpected {rem.strip()!r} inside the stream")
            lv.pending.append(rem)
        lv.seen_tap = True
        return True

    def on_plan(self, lv: _Level, m: re.Match[str], rem: str) -> None:
        self.lines.pop()
        if lv.plan is not None:
            lv.node.warnings.append(f"second plan {rem.strip()!r} ignored")
            lv.pending.append(rem)
            return
        lv.seen_tap = True
        lv.plan = int(m.group(1))
        lv.plan_note = m.group(2) or ""
        if not lv.node.subtests:
            lv.flush_pending(lv.node.log)  # header lines describe the stream

    def with_log(self, lv: _Level, test: TestResult) -> TestResult:
        lv.flush_pending(test.log)
        lv.running = None
        return test

    def add(self, lv: _Level, test: TestResult) -> None:
        lv.seen_tap = True
        expected = len(lv.node.subtests) + 1
        if test.number is None:
            test.number = expected
        elif test.number != expected:
            lv.node.warnings.append(
                f"test {test.name!r} numbered {test.number}, expected {expected}"
            )
        if not test.name:
            test.name = f"test {test.number}"
        lv.node.subtests.append(test)

    def on_nested(self, lv: _Level, extra: str) -> None:
        child = TestResult(name=_name_hint(lv.pending))
        lv.flush_pending(child.log)  # lines before a nested stream describe it
        sub = _Level(child, lv.prefix + extra, (lv.prefix,) + lv.ancestors, lv.depth + 1)
        before = self.lines.consumed
        end = self.run_level(sub)
        if self.lines.consumed == before:  # cannot happen; never loop forever
            lv.pending.append(self.lines.pop())
            return
        problem = _finish_level(sub)
        own = self.own_result(lv, child)
        if own is None:
            own = _Verdict(Status.FAIL, CUT_OFF if end == "eof" else NO_RESULT_LINE)
        _settle(child, [problem, own], sub)
        self.add(lv, child)

    def own_result(self, lv: _Level, child: TestResult) -> Optional[_Verdict]:
        """The parent's result line for a nested stream, if it comes next."""
        line = self.lines.peek()
        rem = None if line is None else _strip_prefix(line, lv.prefix)
        m = None if rem is None else _RESULT.match(rem.rstrip())
        if m is None:
            return None
        self.lines.pop()
        parsed = _result_from_line(m)
        child.name = parsed.name or child.name
        child.number = parsed.number
        child.directive = parsed.directive
        lv.running = None
        return _Verdict(parsed.status, parsed.reason, parsed.directive)


def _name_hint(pending: list[str]) -> str:
    for line in reversed(pending):
        m = _NAME_HINT.match(line.rstrip())
        if m:
            return m.group(1) or m.group(2)
    return ""


def _finish_level(lv: _Level) -> Optional[_Verdict]:
    """Close a stream: cut-off and missing tests become failed leaves;
    returns what is wrong with the stream as a whole, if anything."""
    node = lv.node
    if lv.running is not None:
        cut = TestResult(lv.running, Status.FAIL, reason=CUT_OFF)
        lv.flush_pending(cut.log)
        _append(lv, cut)
    lv.flush_pending(node.log)
    if lv.plan is not None:
        got = len(node.subtests)
        if got > lv.plan:
            for extra in node.subtests[lv.plan:]:  # an `ok` beyond the plan is no pass
                extra.status, extra.reason = Status.ERROR, f"not in the plan 1..{lv.plan}"
            return _Verdict(Status.ERROR, f"planned {lv.plan}, got {got}")
        if got < lv.plan:
            _add_missing(lv, got)
    if lv.bail is not None:
        return _Verdict(Status.FAIL, f"Bail out! {lv.bail}")
    return None


def _append(lv: _Level, test: TestResult) -> None:
    test.number = len(lv.node.subtests) + 1
    lv.node.subtests.append(test)


def _add_missing(lv: _Level, got: int) -> None:
    reason = f"missing: planned {lv.plan}, got {got}"
    first, last = got + 1, lv.plan
    assert last is not None
    if last - first >= MAX_MISSING_LEAVES:
        _append(lv, TestResult(f"missing #{first}..#{last}", Status.FAIL, reason=reason))
        return
    for number in range(first, last + 1):
        _append(lv, TestResult(f"missing #{number}", Status.FAIL, reason=reason))


def _aggregate(subtests: list[TestResult]) -> _Verdict:
    status = worst(*(sub.status for sub in subtests))
    if not status.ok:
        bad = sum(not sub.ok for sub in subtests)
        return _Verdict(status, f"{bad} of {len(subtests)} subtests failed")
    reasons = {sub.reason for sub in subtests}
    if status is Status.SKIP and len(reasons) == 1:
        return _Verdict(status, reasons.pop())
    return _Verdict(status)


def _settle(node: TestResult, verdicts: list[Optional[_Verdict]], lv: _Level) -> None:
    """Set a stream's status from its problems, its own result line and its
    subtests; on a tie the earlier verdict with a reason wins."""
    candidates = [v for v in verdicts if v is not None]
    if node.subtests:
        candidates.append(_aggregate(node.subtests))
    elif lv.plan == 0:
        note = _DIRECTIVE.match(lv.plan_note)
        reason = note.group(2).strip() if note else lv.plan_note
        candidates.append(_Verdict(Status.SKIP, reason or "no tests planned", "SKIP"))
    if not candidates:
        reason = NO_RESULTS if lv.seen_tap else NO_OUTPUT
        candidates.append(_Verdict(Status.FAIL if lv.seen_tap else Status.ERROR, reason))
    top = max(_SEVERITY[v.status] for v in candidates)
    tied = [v for v in candidates if _SEVERITY[v.status] == top]
    best = next((v for v in tied if v.reason), tied[0])
    node.status, node.reason = best.status, best.reason
    if best.directive and not node.directive:
        node.directive = best.directive


# ------------------------------------------------------------------- the API


def parse_tap(lines: Iterable[str] | str, name: str = "tests") -> TestResult:
    """Parse one program's (K)TAP output; the root is named `name`.

    Never raises on bad input: anything unparsable is kept as log, and what
    is missing or broken shows up as FAIL / ERROR results with a reason.
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    root = TestResult(name)
    lv = _Level(root, "", (), 0)
    _Parser(_Lines(lines)).run_level(lv)
    problem = _finish_level(lv)
    _settle(root, [problem], lv)
    return root


def parse_tap_file(path: str | Path, name: Optional[str] = None) -> TestResult:
    path = Path(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        return parse_tap(f, name or path.stem)


def exit_status_verdict(exit_status: Optional[int]) -> tuple[Optional[Status], str]:
    """What a kselftest program's exit status alone says: (None, "") for 0,
    (SKIP, ...) for 4, (FAIL, why) for anything else, including no status."""
    if exit_status == 0:
        return None, ""
    if exit_status == 4:
        return Status.SKIP, "exit status 4 (skip)"
    if exit_status is None:
        return Status.FAIL, f"no exit status: {CUT_OFF}"
    if exit_status == 124:
        return Status.FAIL, "timed out (exit status 124)"
    sig = -exit_status if exit_status < 0 else exit_status - 128 if exit_status > 128 else 0
    if sig:
        try:
            signame = signal.Signals(sig).name
        except ValueError:
            signame = f"signal {sig}"
        return Status.FAIL, f"killed by {signame} (exit status {exit_status})"
    return Status.FAIL, f"exit status {exit_status}"


def combine_exit_status(result: TestResult, exit_status: Optional[int]) -> TestResult:
    """The root result as its TAP and its exit status together say.

    kselftest: 0 pass, 1 fail, 4 skip; anything else (139 = SIGSEGV, 124 =
    timeout, None = never returned) fails even if the TAP said ok.  A failing
    TAP is never turned into a pass.  Returns a new root; subtests are shared.
    """
    status, why = exit_status_verdict(exit_status)
    if status is None:
        return result
    if status is Status.SKIP:
        if result.status is Status.ERROR and result.reason == NO_OUTPUT and not result.subtests:
            return replace(result, status=Status.SKIP, reason=why)
        return result
    if exit_status == 1 and not result.ok:
        return result  # the TAP already says it failed, and why
    reason = f"{result.reason}; {why}" if result.reason and not result.ok else why
    return replace(result, status=worst(result.status, status), reason=reason)
