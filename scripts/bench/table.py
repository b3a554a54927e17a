"""The report as text, in the v4 cover letter's layout: one table per metric and comparison."""

import textwrap

from .report import METHOD

HEADS = {"seconds": "real time (s)", "maxrss_kib": "max RSS (KiB)"}
SIZE_HEAD = "touch_size/mmap_size"
IMPROVEMENT_HEAD = "improvement (95% CI)"
GAP = "   "
WIDTH = 72  # the prose wraps as a mail's body does; the tables never do


def improvement(row):
    if not row["proven"]:
        return "none"
    return f"{row['improvement'] * 100:.2f}% +/- {row['plus_minus'] * 100:.2f}%"


def value(metric, v):
    return f"{v:.6f}" if metric == "seconds" else f"{v:.0f}"


def table(rows, labels, metric):
    """Lines of one table: sizes right-aligned, figures right-aligned, the improvement left."""
    cells = [(f"{r['touch']}/{r['mmap']}", value(metric, r["baseline"]), value(metric, r["candidate"]),
              improvement(r)) for r in rows if r["metric"] == metric]
    head = (SIZE_HEAD, labels[0], labels[1], IMPROVEMENT_HEAD)
    widths = [max(len(c[i]) for c in cells + [head]) for i in range(3)]
    lines = [GAP.join([head[0].ljust(widths[0]), head[1].rjust(widths[1]), head[2].rjust(widths[2]), head[3]])]
    for c in cells:
        lines.append(GAP.join([c[0].rjust(widths[0]), c[1].rjust(widths[1]), c[2].rjust(widths[2]), c[3]]))
    return lines


def heading(report):
    where = f"{report['arch']}"
    if report.get("accel"):
        where += f" under {report['accel']}"
    if report.get("machine"):
        where += f" ({report['machine']})"
    kernel = report.get("kernel_version", "")
    commit = (report.get("commit") or "")[:12]
    return (f"{where}, Linux {kernel}{' at ' + commit if commit else ''}; "
            f"median of {report['runs']} runs of {report['iterations']} iterations each.")


def render(report, method=True):
    prose = heading(report) + (f" ({report.get('method', METHOD)})" if method else "")
    lines = textwrap.wrap(prose, WIDTH, break_long_words=False, break_on_hyphens=False)
    for comp in report["comparisons"]:
        lines += ["", comp["title"] + ":"]
        if comp["skipped"]:
            lines.append(f"  skipped: {comp['skipped']}")
            continue
        for metric, head in HEADS.items():
            if any(r["metric"] == metric for r in comp["rows"]):
                lines += ["", f"{head}:", ""] + table(comp["rows"], comp["labels"], metric)
    if report.get("errors"):
        lines += ["", "errors:"] + [f"  {e}" for e in report["errors"]]
    return "\n".join(lines) + "\n"
