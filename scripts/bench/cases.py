"""What the guest program measures, as data, and its output lines read back.

A comparison puts a baseline case against a candidate case for each size; the
first one is the v4 cover letter's table, the others are what the review
thread asked about.
"""

import re
from dataclasses import dataclass, field
from typing import Optional, Tuple

# touch_size, mmap_size: the v4 cover letter's rows
SIZES = ((4096, 4096000), (2048000, 4096000), (4096000, 4096000))
ITERATIONS = 1000


@dataclass(frozen=True)
class Comparison:
    key: str
    title: str
    baseline: str           # case names of the guest program
    candidate: str
    labels: Tuple[str, str]  # the two column heads
    arches: Optional[Tuple[str, ...]] = None  # None: every arch

    def runs_on(self, arch):
        return self.arches is None or arch in self.arches


COMPARISONS = (
    Comparison("v4", "memset vs reference pages (the v4 table)",
               "memset", "refpage", ("memset", "refpages")),
    Comparison("pattern", "full-page pattern (copied) vs one-byte pattern (memset fast path)",
               "refpage-page", "refpage", ("page", "byte")),
    Comparison("mte-stg", "MTE: tagged by hand with STG vs pre-tagged reference pages",
               "mte-stg", "mte-refpage", ("STG", "refpages"), ("arm64",)),
    Comparison("mte-stz2g", "MTE: zeroed and tagged by hand with STZ2G vs pre-tagged reference pages",
               "mte-stz2g", "mte-refpage", ("STZ2G", "refpages"), ("arm64",)),
)


@dataclass(frozen=True)
class Spec:
    case: str
    mmap: int
    touch: int

    def arg(self):
        return f"{self.case}:{self.mmap}:{self.touch}"


def comparisons_for(arch, only=None):
    chosen = [c for c in COMPARISONS if c.runs_on(arch)]
    if only:
        chosen = [c for c in chosen if c.key in only]
    return chosen


def specs_for(comparisons, sizes=SIZES):
    """Every (case, size) the comparisons need, once each, baseline and candidate interleaved."""
    out = []
    for touch, mmap in sizes:
        for comp in comparisons:
            for case in (comp.baseline, comp.candidate):
                spec = Spec(case, mmap, touch)
                if spec not in out:
                    out.append(spec)
    return out


@dataclass
class Line:
    spec: Spec
    seconds: Optional[float] = None
    maxrss_kib: Optional[int] = None
    skip: Optional[str] = None
    error: Optional[str] = None


@dataclass
class Samples:
    """Every run's figures per spec, and why a spec has none."""
    seconds: dict = field(default_factory=dict)
    maxrss_kib: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def add(self, line):
        if line.error:
            self.errors.append(f"{line.spec.arg()}: {line.error}")
        elif line.skip:
            self.skipped[line.spec] = line.skip
        else:
            self.seconds.setdefault(line.spec, []).append(line.seconds)
            self.maxrss_kib.setdefault(line.spec, []).append(line.maxrss_kib)


_LINE = re.compile(r"bench case=(?P<case>\S+) mmap=(?P<mmap>\d+) touch=(?P<touch>\d+) "
                   r"iterations=\d+ (?P<rest>.*)$")
_FIGURES = re.compile(r"^seconds=(?P<s>[0-9.]+) maxrss_kib=(?P<rss>\d+)$")
_MISSING = re.compile(r"bench error=(?P<why>.*)$")


def parse_line(text):
    """One line of the guest program's output, or None for anything else (kernel lines, noise)."""
    m = _LINE.search(text.strip())  # the first line may carry the shell's prompts before it
    if not m:
        return None
    spec = Spec(m["case"], int(m["mmap"]), int(m["touch"]))
    rest = m["rest"]
    if rest.startswith("skip="):
        return Line(spec, skip=rest[len("skip="):])
    if rest.startswith("error="):
        return Line(spec, error=rest[len("error="):])
    f = _FIGURES.match(rest)
    if not f:
        return Line(spec, error=f"unreadable figures: {rest!r}")
    return Line(spec, seconds=float(f["s"]), maxrss_kib=int(f["rss"]))


def missing_feature(lines):
    """The program's one-line reason when the kernel lacks refpage_create, else None."""
    for text in lines:
        m = _MISSING.search(text.strip())
        if m:
            return m["why"]
    return None
