"""The tree's mm selftests regress runs: the ones near what the series touches, each with the
arguments run_vmtests.sh gives it (busybox has no bash to run the script itself) and a time box."""

from dataclasses import dataclass
from pathlib import Path

MM = Path("tools/testing/selftests/mm")


@dataclass(frozen=True)
class Program:
    binary: str
    args: str = ""
    timeout: int = 180                    # seconds in the guest before busybox's timeout kills it
    arches: tuple = ()                    # empty: every arch
    why_not: str = ""                     # why it is left out on the other arches

    @property
    def label(self):
        return f"{self.binary} {self.args}".strip()

    def skip_reason(self, tree, arch):
        if self.arches and arch not in self.arches:
            return self.why_not
        if not (Path(tree) / MM / f"{self.binary}.c").is_file():
            return f"not in this tree (no {MM / self.binary}.c)"
        return ""

    def command(self, folder):
        """The guest's command line, in the programs' folder as run_vmtests.sh runs them (ksm_functional_tests
        executes ./ksm_functional_tests again); killed (SIGKILL) once its time box is over."""
        return f"cd {folder} && timeout -s KILL {self.timeout} ./{self.binary} {self.args}".rstrip()


PROGRAMS = (
    Program("cow", timeout=600),
    Program("gup_longterm", timeout=300),
    Program("gup_test", "-u", timeout=120),
    Program("gup_test", "-a", timeout=120),
    Program("gup_test", "-ct -F 0x1 0 19 0x1000", timeout=120),
    Program("ksm_functional_tests", timeout=300),
    Program("madv_populate", timeout=120),
    Program("mremap_test", timeout=300),
    Program("mseal_test", timeout=120),
    Program("mlock2-tests", timeout=120),
    Program("mrelease_test", timeout=120),
    Program("uffd-unit-tests", timeout=1200),  # 66 cases: over 600 s on TCG on a loaded host
    Program("soft-dirty", timeout=120, arches=("x86_64",),
            why_not="the tree's Makefile builds it only where the arch has soft-dirty bits (not arm64)"),
    Program("pagemap_ioctl", timeout=300),
    Program("khugepaged", timeout=600),  # no argument: the anonymous modes, as run_vmtests.sh's first run
    Program("transhuge-stress", "-d 20", timeout=120),
    Program("split_huge_page_test", timeout=300),
    Program("droppable", timeout=60),
    Program("guard-regions", timeout=300),
)

# Before the programs: debugfs (gup_test, split_huge_page_test) and hugetlb pages reserved
# while memory is still unfragmented, as run_vmtests.sh does for the hugetlb cases.
HUGEPAGES = 64
SETUP = ("[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug; "
         f"[ -e /proc/sys/vm/nr_hugepages ] && echo {HUGEPAGES} > /proc/sys/vm/nr_hugepages; "
         "echo hugetlb pages: $(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo none, no CONFIG_HUGETLBFS); true")


def binaries(programs):
    """Each binary once, in table order."""
    return list(dict.fromkeys(p.binary for p in programs))
