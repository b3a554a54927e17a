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


def sample():
    return {"load1": round(os.getloadavg()[0], 2), "compilers": compilers_running()}
