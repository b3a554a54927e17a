"""The comparison as a table on the terminal, and as JSON and JUnit beside the two runs' own."""

import json
import xml.etree.ElementTree as ET

from harness.report import write_atomic, xml_safe

from .verdict import ALREADY_FAILING, FLAKY, NEW_PASS, OK, REGRESSION, SKIPPED

_WIDTH = 70


def _cut(text, width):
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def table(comparison, every_subtest=False):
    """Every program's row; its subtests' rows when they are neither ok nor skipped on both (all with
    every_subtest)."""
    lines = [f"{'program / test':<{_WIDTH}}  {'base':<8}  {'series':<8}  verdict", "-" * (_WIDTH + 38)]
    for row in comparison.rows:
        if row.test and row.verdict in (OK, SKIPPED) and not every_subtest:
            continue
        name = "  " + _cut(row.test, _WIDTH - 2) if row.test else _cut(row.program, _WIDTH)
        lines.append(f"{name:<{_WIDTH}}  {row.base:<8}  {row.series:<8}  {row.verdict}")
    return "\n".join(lines)


def counts(comparison):
    return {v: len(comparison.by_verdict(v)) for v in (OK, REGRESSION, FLAKY, ALREADY_FAILING, NEW_PASS, SKIPPED)}


def totals_line(comparison):
    c = counts(comparison)
    programs = len([r for r in comparison.rows if not r.test])
    flaky = f"{c[FLAKY]} flaky, " if c[FLAKY] else ""
    return (f"regress: {programs} programs, {len(comparison.rows)} rows: {c[REGRESSION]} regressions, {flaky}"
            f"{c[ALREADY_FAILING]} already failing, {c[NEW_PASS]} new passes, {c[SKIPPED]} skipped, {c[OK]} ok")


def _listed(comparison, verdict, heading, why):
    """The rows of one verdict under `heading`, each with `why(row)`; "" when there are none."""
    rows = comparison.by_verdict(verdict)
    if not rows:
        return ""
    return "\n".join([heading] + [f"  {_cut(r.name, 90)}: {why(r)}" for r in rows])


def already_failing(comparison):
    """Each already-failing row with the base's own reason: it is not the series'."""
    return _listed(comparison, ALREADY_FAILING, "already failing (on the base too, so not the series'):",
                   lambda r: f"base {r.base}: {_cut(r.base_reason or '-', 140)}")


def flaky(comparison):
    """Each flaky row with the series' failure: it passed every run again, so it is no regression,
    but a race the series made likelier would look like this too."""
    return _listed(comparison, FLAKY, "flaky (failed once on the series, passed when run again; the failure):",
                   lambda r: _cut(r.series_reason or '-', 160))


def not_run(comparison):
    if not comparison.not_run:
        return ""
    return "\n".join(["not run:"] + [f"  {name}: {why}" for name, why in comparison.not_run.items()])


def to_json(comparison, meta):
    return {**meta, "ok": not comparison.regressions, "counts": counts(comparison),
            "regressed_programs": comparison.regressed_programs(), "not_run": comparison.not_run,
            "rows": [{"program": r.program, "test": r.test, "base": r.base, "series": r.series,
                      "verdict": r.verdict, "base_reason": r.base_reason, "series_reason": r.series_reason}
                     for r in comparison.rows]}


def write_json(comparison, meta, path):
    return write_atomic(path, json.dumps(to_json(comparison, meta), indent=2, ensure_ascii=False) + "\n")


def junit_xml(comparison, suite):
    """A testsuite per program, a testcase per row: a regression fails, already failing and
    skipped ones are skipped with their reason."""
    top = ET.Element("testsuites", {"name": xml_safe(suite)})
    suites = {}
    for row in comparison.rows:
        el = suites.get(row.program)
        if el is None:
            el = suites[row.program] = ET.SubElement(top, "testsuite", {"name": xml_safe(f"{suite}.{row.program}")})
        case = ET.SubElement(el, "testcase", {"classname": xml_safe(f"{suite}.{row.program}"),
                                              "name": xml_safe(row.test or row.program)})
        if row.verdict == REGRESSION:
            message = f"base {row.base}, series {row.series}: {row.series_reason}"
            ET.SubElement(case, "failure", {"message": xml_safe(_cut(message, 300)), "type": REGRESSION}).text = \
                xml_safe(message)
        elif row.verdict == FLAKY:
            ET.SubElement(case, "system-out").text = xml_safe(f"flaky: {row.series_reason}")
        elif row.verdict in (ALREADY_FAILING, SKIPPED):
            why = row.base_reason if row.verdict == ALREADY_FAILING else row.series_reason
            ET.SubElement(case, "skipped", {"message": xml_safe(_cut(f"{row.verdict}: {why}", 300))})
    for name, why in comparison.not_run.items():
        el = ET.SubElement(top, "testsuite", {"name": xml_safe(f"{suite}.{name}")})
        case = ET.SubElement(el, "testcase", {"classname": xml_safe(f"{suite}.{name}"), "name": xml_safe(name)})
        ET.SubElement(case, "skipped", {"message": xml_safe(_cut(f"not run: {why}", 300))})
    for el in top:
        cases = list(el)
        el.set("tests", str(len(cases)))
        el.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        el.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
        el.set("errors", "0")
    ET.indent(top)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(top, encoding="unicode") + "\n"


def write_junit(comparison, suite, path):
    return write_atomic(path, junit_xml(comparison, suite))
