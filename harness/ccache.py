"""ccache for kernel builds: the settings that make hits real and safe, and a build's hit rate.

Every compile goes through one cache dir (shared by all trees and worktrees).
compiler_check=content keys objects by the compiler binary's bytes, not its
mtime, so a reinstalled or copied compiler neither misses nor hits wrongly.
No sloppiness: kbuild's commands need none to hit once they are path-free.
Each build writes its own stats log, so concurrent builds never mix counts.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from . import paths

_HITS = ("direct_cache_hit", "preprocessed_cache_hit")
_MISS = "cache_miss"


def available():
    return shutil.which("ccache") is not None


def settings(stats_log=None, base_dir=None, prefix=None):
    """Environment for ccache; the caller's own CCACHE_* values win (setdefault)."""
    env = {
        "CCACHE_DIR": str(paths.cache_dir() / "ccache"),
        "CCACHE_NOHASHDIR": "1",
        "CCACHE_MAXSIZE": "5G",
        "CCACHE_COMPILERCHECK": "content",
    }
    if base_dir:
        env["CCACHE_BASEDIR"] = str(base_dir)
    if stats_log:
        env["CCACHE_STATSLOG"] = str(stats_log)
    if prefix:
        env["CCACHE_PREFIX"] = prefix
    return env


@dataclass(frozen=True)
class HitRate:
    hits: int
    misses: int

    @property
    def calls(self):
        return self.hits + self.misses

    @property
    def percent(self):
        return 100.0 * self.hits / self.calls if self.calls else None

    def line(self):
        if not self.calls:
            return "ccache: no compiles"
        return f"ccache {self.percent:.0f}% hits ({self.hits}/{self.calls})"

    def as_dict(self):
        pct = self.percent
        return {"hits": self.hits, "misses": self.misses,
                "hit_rate": round(pct, 1) if pct is not None else None}


def parse_stats_log(text):
    """Counts from ccache's stats log: one `# file` line per call, then its counters."""
    hits = misses = 0
    for line in text.splitlines():
        word = line.strip()
        if word in _HITS:
            hits += 1
        elif word == _MISS:
            misses += 1
    return HitRate(hits, misses)


def read_stats_log(path):
    path = Path(path)
    return parse_stats_log(path.read_text(errors="replace")) if path.is_file() else HitRate(0, 0)
