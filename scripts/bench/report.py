"""The benchmark's JSON: the samples, the comparisons computed from them, what was measured where.

`series export --bench FILE` reads it back to put the table into the cover letter.
"""

import json
from pathlib import Path
from statistics import median

from harness import wholefile
from harness.errors import UserError

from . import stats
from .cases import SIZES, Spec

FORMAT = "refpage-ci-bench/1"
METRICS = ("seconds", "maxrss_kib")
METHOD = (f"median of each case's runs; improvement = 1 - median(candidate) / median(baseline); "
          f"{stats.LEVEL:.0%} CI: percentile bootstrap of that ratio, {stats.RESAMPLES} resamples "
          f"of both samples, seed {stats.SEED}; x% +/- y% covers that interval")


def _row(samples, comp, touch, mmap, metric):
    base = getattr(samples, metric).get(Spec(comp.baseline, mmap, touch))
    cand = getattr(samples, metric).get(Spec(comp.candidate, mmap, touch))
    if not base or not cand:
        return None
    imp = stats.improvement(base, cand)
    return {"touch": touch, "mmap": mmap, "metric": metric, "baseline": median(base),
            "candidate": median(cand), "improvement": imp.value, "low": imp.low, "high": imp.high,
            "plus_minus": imp.plus_minus, "proven": imp.proven, "runs": [len(base), len(cand)]}


def _skip_reason(samples, comp, sizes):
    for touch, mmap in sizes:
        for case in (comp.baseline, comp.candidate):
            reason = samples.skipped.get(Spec(case, mmap, touch))
            if reason:
                return reason
    return None


def comparison(samples, comp, sizes=SIZES):
    rows = [r for metric in METRICS for touch, mmap in sizes
            if (r := _row(samples, comp, touch, mmap, metric))]
    return {"key": comp.key, "title": comp.title, "baseline": comp.baseline,
            "candidate": comp.candidate, "labels": list(comp.labels), "rows": rows,
            "skipped": None if rows else (_skip_reason(samples, comp, sizes) or "no measurements")}


def build(samples, comparisons, meta, sizes=SIZES):
    """The whole report: `meta` says where and how (arch, accel, kernel, runs, iterations...)."""
    return dict(meta, format=FORMAT, method=METHOD,
                comparisons=[comparison(samples, c, sizes) for c in comparisons],
                samples=[{"case": s.case, "mmap": s.mmap, "touch": s.touch, "seconds": v,
                          "maxrss_kib": samples.maxrss_kib[s]} for s, v in samples.seconds.items()],
                skipped=[{"case": s.case, "mmap": s.mmap, "touch": s.touch, "reason": r}
                         for s, r in samples.skipped.items()],
                errors=list(samples.errors))


def write(report, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wholefile.write_text(path, json.dumps(report, indent=2) + "\n")
    return path


def load(path):
    """A report written by `refpage-ci bench --json`; UserError naming the file otherwise."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; write one with `refpage-ci bench --arch A --json {path}`") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: not a benchmark report ({exc}); write it again with refpage-ci bench --json") from None
    problem = check(data)
    if problem:
        raise UserError(f"{path}: not a benchmark report ({problem}); write it again with refpage-ci bench --json")
    return data


def check(data):
    """What is wrong with a report's shape, or None."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return f"format is not {FORMAT}"
    for key in ("arch", "runs", "iterations", "comparisons"):
        if key not in data:
            return f"no {key!r}"
    for comp in data["comparisons"]:
        for key in ("title", "labels", "rows", "skipped"):
            if key not in comp:
                return f"a comparison has no {key!r}"
        for row in comp["rows"]:
            missing = {"touch", "mmap", "metric", "baseline", "candidate", "improvement",
                       "plus_minus", "proven"} - set(row)
            if missing:
                return f"a row has no {', '.join(sorted(missing))}"
            if row["metric"] not in METRICS:
                return f"unknown metric {row['metric']!r}"
    return None
