"""How busy the host was: a benchmark on a shared machine says so next to its figures."""

import os
from pathlib import Path

COMPILERS = ("cc1", "cc1plus", "as", "ld")


def compilers_running():
    """Compiler processes on the host right now (ours included): a sign of other builds."""
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        count += name in COMPILERS
    return count


def cpu_ticks(stat="/proc/stat"):
    """(all, stolen): the host's CPU time so far, in ticks, and what the hypervisor gave to others."""
    fields = [int(x) for x in Path(stat).read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), (fields[7] if len(fields) > 7 else 0)


def sample():
    total, stolen = cpu_ticks()
    return {"load1": round(os.getloadavg()[0], 2), "compilers": compilers_running(), "ticks": total,
            "stolen": stolen}


def stolen_share(start, end):
    """The share of the CPU time between two samples that a virtual machine's host kept for others
    (steal): on a shared host, the figures in between are that much slower; None if not known."""
    if "ticks" not in start or "ticks" not in end or end["ticks"] <= start["ticks"]:
        return None
    return 100.0 * (end["stolen"] - start["stolen"]) / (end["ticks"] - start["ticks"])
