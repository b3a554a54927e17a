"""The review-thread bugs `repro` knows: id, how each shows, where, and its bug patch."""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

from harness.errors import UserError
from scripts.series import ports

RUNTIME = "runtime"  # a reproducer in /selftests/refpage_rt fails on the bug kernel
BUILD = "build"      # the series with the bug patch does not compile
APPLY = "apply"      # the series does not apply on a base lacking a prerequisite

PROGRAM = "refpage_rt"  # the guest program holding one kselftest TEST per runtime id


@dataclass(frozen=True)
class Bug:
    id: str
    kind: str = RUNTIME
    arches: Tuple[str, ...] = ()  # empty: every arch
    why_arches: str = ""          # said when skipped on another arch
    ports: Tuple[str, ...] = ()   # empty: every port of the series
    why_ports: str = ""           # said when skipped on another port
    variants: Dict[str, str] = field(default_factory=dict)  # arch -> config variant to run it on
    expect: str = ""              # the bug half must fail so: a regex over its failure (assertion, splat,
    #                               compiler error, apply error); failing any other way is the wrong reason
    source: str = "review thread"

    def for_its_reason(self, failure: str) -> bool:
        return bool(re.search(self.expect, failure))

    @property
    def test(self) -> Optional[str]:
        """The kselftest TEST name: RT-shared-write -> rt_shared_write."""
        if self.kind != RUNTIME:
            return None
        return self.id.lower().replace("-", "_")

    def command(self) -> str:
        return f"/selftests/{PROGRAM} -t {self.test}"

    def patch(self, patches_dir) -> Path:
        return ports.shared_file(patches_dir, f"bugs/{self.id}.patch")

    def skip_reason(self, arch, port=None) -> Optional[str]:
        if self.arches and arch not in self.arches:
            return f"shows on {', '.join(self.arches)} only: {self.why_arches}"
        if port and self.ports and port not in self.ports:
            return f"shows on the {', '.join(self.ports)} port only: {self.why_ports}"
        return None

    def variant(self, arch) -> Optional[str]:
        return self.variants.get(arch)


BUGS = (
    Bug("RT-shared-write", expect=r"mmap\(MAP_SHARED, PROT_WRITE\) of a refpage succeeded|"
        r"a store through MAP_SHARED changed the reference page"),
    Bug("RT-refcount", expect=r"took the reference page's count|counted the reference page|"
        r"reference pages count in RSS|mapped and closed refpages left \d+ bytes charged"),
    Bug("RT-vma-merge", expect=r"the anonymous VMA merged with the refpage VMA|lost its pattern|"
        r"anonymous memory reads the pattern"),
    Bug("RT-gfp-account", expect=r"refpages charged -?\d+ bytes: not their pages|"
        r"refpages created with 32 pages left below memory\.max"),
    Bug("RT-content-copy", expect=r"content (at an odd address|across two pages|in a read-only page|"
        r"running into an unmapped page)|PROT_NONE content|the content's MTE tag was not copied"),
    Bug("RT-semicolon", kind=BUILD, expect=r"mm/refpage\.c:\d+:\d+: error: expected .;. before"),
    Bug("RT-no-apply", kind=APPLY, expect=r"0001\S*.*does not apply:.*(sys_ni\.c|syscalls\.h)"),
    Bug("RT-page-size", arches=("arm64",), variants={"arm64": "64k"},
        why_arches="it needs pages larger than 4K (the arm64 64k config); x86_64 pages are 4K",
        expect=r"size \d+ refused with \d+-byte pages|size \d+, \d+-byte pages|size \d+: the copy on write"),
    Bug("RT-zeropage-refcount", expect=r"Bad page map|Bad page state|Bad rss-counter|refcount"),
    Bug("RT-error-path", expect=r"calls failing with EMFILE (leaked free memory|left memory charged)"),
    Bug("RT-thp", expect=r"a (read|write) fault (mapped|allocated) a huge|MADV_COLLAPSE zero-filled|"
        r"AnonHugePages"),
    Bug("RT-mte-tags", arches=("arm64",), why_arches="MTE (memory tagging) is an arm64 feature",
        expect=r"lost the (content's )?tags?|the tag is gone|with the content's tag faulted"),
    Bug("RT-force-write", expect=r"(a write to /proc/self/mem|PTRACE_POKEDATA in the child) reached the "
        r"reference page"),
    Bug("RT-uffd", expect=r"UFFDIO_REGISTER (on a refpage VMA succeeded|accepted)|UFFDIO_ZEROPAGE replaced"),
    Bug("R2-vm-file", expect=r"MADV_(DONTNEED|FREE) discarded a sealed read-only refpage region|"
        r"PR_SET_VMA_ANON_NAME on a refpage region failed|the name of a refpage region is not in /proc/self/maps",
        source="review round 2"),
    Bug("R2-exec", ports=("6.12",),
        why_ports="7.3 keeps anonymous inodes on a noexec filesystem (SB_I_NOEXEC), which refuses PROT_EXEC",
        expect=r"(mmap|mprotect)\(PROT_EXEC\) of a refpage (mapping )?succeeded",
        source="review round 2"),
    Bug("R2-mte-lookup", arches=("arm64",), why_arches="MTE (memory tagging) is an arm64 feature",
        expect=r"refpage_create with its content in (\[vvar\]|secretmem) failed", source="review round 2"),
    Bug("R2-hwpoison", expect=r"a first write copied a poisoned reference page|"
        r"a read fault mapped a poisoned reference page", source="review round 2"),
    Bug("R2-uffd-wp", expect=r"UFFDIO_REGISTER_MODE_WP on a refpage VMA failed|"
        r"writes to write-protected refpage pages faulted|a write-protected first write lost the pattern|"
        r"UFFDIO_ZEROPAGE replaced", source="review round 2"),
    Bug("R2-move-pages", expect=r"move_pages (to node 0 )?reported -?\d+ for a mapped reference page", source="review round 2"),
)


def ids():
    return [b.id for b in BUGS]


def lookup(name) -> Bug:
    """The bug for an id, case-insensitively; the test name (rt_thp) is accepted too."""
    for bug in BUGS:
        if name.lower() in (bug.id.lower(), bug.test or ""):
            return bug
    raise UserError(f"repro: no bug {name!r}; the ids are {', '.join(ids())}")


def select(names, everything=False):
    """The bugs to run, in catalogue order, each once."""
    if everything and names:
        raise UserError("repro: give ids or --all, not both")
    if not everything and not names:
        raise UserError(f"repro: give an id ({', '.join(ids())}) or --all")
    if everything:
        return list(BUGS)
    wanted = {lookup(n).id for n in names}
    return [b for b in BUGS if b.id in wanted]
