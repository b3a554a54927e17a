"""The `repro --all` table: one row per id, both halves and the time each took."""

from .verdict import SKIPPED


def duration(seconds):
    """'8.2s', '1m05s', '' when nothing ran."""
    if not seconds:
        return ""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s"


def render(reports, arch, wall_seconds, shared=()):
    """reports: IdReport-likes (id, bug_half, fixed_half); shared: (label, seconds) of shared work."""
    rows = [("id", "bug half", "time", "fixed half", "time")]
    for r in reports:
        rows.append((r.id, r.bug_half.state, duration(r.bug_half.seconds),
                     r.fixed_half.state, duration(r.fixed_half.seconds)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"repro on {arch}:"]
    for i, row in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    for r in reports:
        if r.bug_half.state == SKIPPED:
            lines.append(f"  {r.id}: {r.bug_half.text}")
    for label, seconds in shared:
        lines.append(f"  {label}: {duration(seconds)}")
    skipped = sum(1 for r in reports if r.bug_half.state == SKIPPED)
    good = sum(1 for r in reports if r.bug_half.ok and r.fixed_half.ok) - skipped
    lines.append(f"  {good} of {len(reports)} ids reproduced and fixed, {skipped} skipped, "
                 f"{len(reports) - good - skipped} not as expected; wall time {duration(wall_seconds)}")
    return "\n".join(lines)
