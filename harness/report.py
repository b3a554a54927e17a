"""Reports over parsed results: a text summary, JUnit XML, JSON.

`results` is either a mapping suite name (usually the arch) -> root results
(one per test program), or a plain sequence of roots (one unnamed suite).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from harness import wholefile
from harness.tap import Counts, Status, TestResult

Results = Union[Mapping[str, Sequence[TestResult]], Sequence[TestResult]]

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# Everything XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_REASON = 160
# For a failure without a reason, the log line most likely to say why.
_WHY_HINT = re.compile(
    r"EXPECTATION FAILED|ASSERTION FAILED|:Expected |Test terminated|Test failed|Bail out!"
)


def suites(results: Results) -> list[tuple[str, list[TestResult]]]:
    if isinstance(results, Mapping):
        return [(name, list(roots)) for name, roots in results.items()]
    return [("", list(results))]


def suite_counts(roots: Sequence[TestResult]) -> Counts:
    total = Counts()
    for root in roots:
        total = total + root.counts()
    return total


def all_ok(results: Results) -> bool:
    """True only if something ran and nothing failed: an empty run is no pass."""
    roots = [root for _, group in suites(results) for root in group]
    return bool(roots) and all(root.ok for root in roots)


def totals_line(suite: str, counts: Counts) -> str:
    """e.g. `arm64: 12 passed, 1 failed, 3 skipped` (xfail/errors if any)."""
    parts = [f"{counts.passed} passed", f"{counts.failed} failed", f"{counts.skipped} skipped"]
    if counts.xfailed:
        parts.append(f"{counts.xfailed} expected failures")
    if counts.errors:
        parts.append(f"{counts.errors} errors")
    return f"{suite or 'total'}: {', '.join(parts)}"


def _one_line(text: str, limit: int = _MAX_REASON) -> str:
    text = " ".join(xml_safe(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def display_reason(item: TestResult) -> str:
    """The result's reason; for a failure that gave none, a telling log line."""
    if item.reason or item.ok:
        return item.reason
    hint = next((line for line in item.log if _WHY_HINT.search(line)), "")
    return hint.lstrip("# ").strip()


def _rows(roots: Sequence[TestResult]) -> list[tuple[str, str, str]]:
    return [
        (_one_line("/".join(path), limit=1000), item.status.value, _one_line(display_reason(item)))
        for root in roots
        for path, item in root.flatten()
    ]


def _table(rows: list[tuple[str, str, str]]) -> list[str]:
    rows = [("TEST", "STATUS", "REASON")] + rows
    width = max(len(test) for test, _, _ in rows)
    return [f"{test:<{width}}  {status:<6}  {reason}".rstrip() for test, status, reason in rows]


def _warnings(roots: Sequence[TestResult]) -> list[str]:
    return [
        f"warning: {'/'.join(path)}: {_one_line(w)}"
        for root in roots
        for path, node in root.walk()
        for w in node.warnings
    ]


def summary_text(results: Results) -> str:
    """One table per suite (test, status, reason), each followed by its
    totals line; a grand total when there is more than one suite."""
    out: list[str] = []
    grand = Counts()
    named = suites(results)
    for name, roots in named:
        counts = suite_counts(roots)
        grand = grand + counts
        if name:
            out.append(f"== {name} ==")
        out += _table(_rows(roots)) + _warnings(roots)
        out += [totals_line(name, counts), ""]
    if len(named) > 1:
        out.append(totals_line("all", grand))
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------- JUnit


def xml_safe(text: str) -> str:
    """Text XML can carry: no ANSI colour escapes, no control characters."""
    return _NOT_XML.sub("", _ANSI_ESCAPE.sub("", text))


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text:
        el.text = xml_safe(text)
    return el


def _outcome(case: ET.Element, item: TestResult) -> None:
    reason = display_reason(item) or item.status.value.lower()
    message = _one_line(reason)
    if item.status is Status.FAIL:
        _sub(case, "failure", reason, message=message, type=item.directive or "FAIL")
    elif item.status is Status.ERROR:
        _sub(case, "error", reason, message=message, type=item.directive or "ERROR")
    elif item.status is Status.SKIP:
        _sub(case, "skipped", message=message)
    elif item.status is Status.XFAIL:
        _sub(case, "skipped", message=f"expected failure: {message}")


def _suite_name(suite: str, root: TestResult) -> str:
    return f"{suite}.{root.name}" if suite else root.name


def _testsuite(parent: ET.Element, suite: str, root: TestResult) -> Counts:
    counts = root.counts()
    name = _suite_name(suite, root)
    el = _sub(
        parent, "testsuite", name=name, tests=str(counts.total),
        failures=str(counts.failed), errors=str(counts.errors),
        skipped=str(counts.skipped + counts.xfailed),
    )
    for path, item in root.flatten():
        case = _sub(el, "testcase", classname=name, name="/".join(path[1:]) or root.name)
        _outcome(case, item)
        if item.log:
            _sub(case, "system-out", "\n".join(item.log) + "\n")
    if root.log:
        _sub(el, "system-out", "\n".join(root.log) + "\n")
    warnings = [w for _, node in root.walk() for w in node.warnings]
    if warnings:
        _sub(el, "system-err", "\n".join(warnings) + "\n")
    return counts


def junit_xml(results: Results, name: str = "refpage-ci") -> str:
    top = ET.Element("testsuites", {"name": xml_safe(name)})
    total = Counts()
    for suite, roots in suites(results):
        for root in roots:
            total = total + _testsuite(top, suite, root)
    top.set("tests", str(total.total))
    top.set("failures", str(total.failed))
    top.set("errors", str(total.errors))
    top.set("skipped", str(total.skipped + total.xfailed))
    ET.indent(top)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(top, encoding="unicode") + "\n"


# ---------------------------------------------------------------------- JSON


def to_json(results: Results) -> dict[str, Any]:
    named = suites(results)
    return {
        "ok": all_ok(results),
        "totals": {name: suite_counts(roots).as_dict() for name, roots in named},
        "suites": {name: [root.to_dict() for root in roots] for name, roots in named},
    }


# -------------------------------------------------------------------- writers


def write_atomic(path: str | Path, text: str) -> Path:
    """Write a whole file or nothing (harness.wholefile): readers never see a half-written one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wholefile.write_bytes(path, text.encode("utf-8", "replace"))
    return path


def write_json(results: Results, path: str | Path) -> Path:
    return write_atomic(path, json.dumps(to_json(results), indent=2, ensure_ascii=False) + "\n")


def write_junit(results: Results, path: str | Path, name: str = "refpage-ci") -> Path:
    return write_atomic(path, junit_xml(results, name))


def write_summary(results: Results, path: str | Path) -> Path:
    return write_atomic(path, summary_text(results))
