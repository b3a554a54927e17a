"""The report as an SVG chart (matplotlib, an optional extra): per comparison, real time and max RSS of
each size, baseline beside candidate, medians with their 95% CI whiskers, the improvement above."""

from pathlib import Path

from . import stats
from .table import HEADS, improvement

EXTRA = "pip install 'refpage-ci[chart]'"
_COLOURS = ("#b8b8b8", "#2b6cb0")


def _samples(report):
    """{(case, mmap, touch): {metric: values}} from the report's samples."""
    return {(s["case"], s["mmap"], s["touch"]): s for s in report.get("samples", [])}


def _bar(values):
    """(median, whisker below, whisker above) of one case's runs."""
    mid = stats.median_interval(values)
    return mid.value, mid.value - mid.low, mid.high - mid.value


def _panel(ax, comp, metric, samples):
    rows = [r for r in comp["rows"] if r["metric"] == metric]
    tops = [0.0] * len(rows)
    for side, (case, label, colour) in enumerate(zip((comp["baseline"], comp["candidate"]), comp["labels"],
                                                     _COLOURS)):
        bars = [_bar(samples[(case, r["mmap"], r["touch"])][metric]) for r in rows]
        ax.bar([i + (side - 0.5) * 0.38 for i in range(len(rows))], [b[0] for b in bars], 0.38,
               yerr=[[b[1] for b in bars], [b[2] for b in bars]], capsize=3, color=colour, label=label,
               error_kw={"elinewidth": 1})
        tops = [max(t, b[0] + b[2]) for t, b in zip(tops, bars)]
    ax.set_xticks(range(len(rows)), [f"{r['touch']}/\n{r['mmap']}" for r in rows], fontsize=8)
    spread = max(max(r["baseline"], r["candidate"]) / min(r["baseline"], r["candidate"]) for r in rows)
    if spread > 10:  # a 99% improvement: the small bar would be invisible on a linear axis
        ax.set_yscale("log")
    ax.set_ylabel(HEADS[metric] + (", log scale" if spread > 10 else ""), fontsize=8)
    ax.set_xlabel("touch_size/mmap_size", fontsize=8)
    for i, r in enumerate(rows):
        ax.annotate(improvement(r).replace("% +/- ", "%\n+/- "), (i, tops[i]),
                    textcoords="offset points", xytext=(0, 4), ha="center", va="bottom", fontsize=7)
    ax.margins(y=0.3)
    ax.legend(fontsize=7, ncol=2, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.3))


def draw(report):
    """A matplotlib Figure, or None when matplotlib is not installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    comps = [c for c in report["comparisons"] if c["rows"]]
    fig = Figure(figsize=(9, 3.4 * max(1, len(comps))), layout="constrained")
    axes = fig.subplots(max(1, len(comps)), 2, squeeze=False)
    samples = _samples(report)
    for row, comp in zip(axes, comps):
        for ax, metric in zip(row, HEADS):
            _panel(ax, comp, metric, samples)
            ax.set_title(f"{comp['labels'][0]} vs {comp['labels'][1]}: {HEADS[metric]}", fontsize=9)
    fig.suptitle(f"refpage-ci bench, {report['arch']} under {report.get('accel', '?')}, Linux "
                 f"{report.get('kernel_version', '?')}: median of {report['runs']} runs of "
                 f"{report['iterations']} iterations\nwhiskers: the median's {stats.LEVEL:.0%} CI; "
                 f"above the bars: the improvement and its {stats.LEVEL:.0%} CI, as in the table", fontsize=9)
    return fig


def write(report, path):
    """The SVG at path, or None (matplotlib missing; the text table stays the report)."""
    fig = draw(report)
    if fig is None:
        return None
    import matplotlib
    path = Path(path)
    with matplotlib.rc_context({"svg.hashsalt": "refpage-ci", "svg.fonttype": "none"}):
        fig.savefig(path, format="svg", metadata={"Date": None})
    return path
