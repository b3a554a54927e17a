"""The small header the selftests include: `__NR_<name>` per architecture.

The numbers come from the plan (so from the tree); what is not in the tree is
which compiler macro names each table's userspace, and which uapi macro holds the
ABI base the generated headers add (mips `__NR_Linux`, x32 `__X32_SYSCALL_BIT`,
arm `__NR_SYSCALL_BASE`, ia64 `__NR_Linux`). Architectures on the generic table
(arm64, riscv, loongarch, ...) take the `#else` branch.
"""

from dataclasses import dataclass

from .render import template

# (arch, variant) of a table -> the userspace that uses it, and how it spells the number
_TARGETS = (
    (("alpha", ""), "defined(__alpha__)", "{n}"),
    (("arm", ""), "defined(__arm__)", "(__NR_SYSCALL_BASE + {n})"),
    (("ia64", ""), "defined(__ia64__)", "(__NR_Linux + {n})"),
    (("m68k", ""), "defined(__m68k__)", "{n}"),
    (("microblaze", ""), "defined(__microblaze__)", "{n}"),
    (("mips", "o32"), "defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI32", "(__NR_Linux + {n})"),
    (("mips", "n32"), "defined(__mips__) && _MIPS_SIM == _MIPS_SIM_NABI32", "(__NR_Linux + {n})"),
    (("mips", "n64"), "defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI64", "(__NR_Linux + {n})"),
    (("parisc", ""), "defined(__hppa__)", "{n}"),
    (("powerpc", ""), "defined(__powerpc__)", "{n}"),
    (("s390", ""), "defined(__s390__)", "{n}"),
    (("sh", ""), "defined(__sh__)", "{n}"),
    (("sparc", ""), "defined(__sparc__)", "{n}"),
    (("x86", "32"), "defined(__i386__)", "{n}"),
    (("x86", "64"), "defined(__x86_64__) && defined(__ILP32__)", "(__X32_SYSCALL_BIT + {n})"),
    (("x86", "64"), "defined(__x86_64__)", "{n}"),
    (("xtensa", ""), "defined(__xtensa__)", "{n}"),
)


@dataclass(frozen=True)
class Branch:
    predicate: str
    value: str
    source: str


def render_header(plan, tree_description):
    """The header's text for a plan."""
    by_table = {(a.table.arch, a.table.variant): a for a in plan.additions if a.table.kind == "tbl"}
    branches = [Branch(predicate, value.format(n=by_table[key].number), by_table[key].table.path)
                for key, predicate, value in _TARGETS if key in by_table]
    generic = _generic_branch(plan)
    guard = f"_REFPAGE_CI_NR_{plan.name.upper()}_H"
    return template("selftest_header.h.j2").render(
        name=plan.name, tree=tree_description, reason=plan.choice.reason, guard=guard,
        branches=branches, generic=generic) + "\n"


def _generic_branch(plan):
    generic = [a for a in plan.additions if a.table.arch == "generic"]
    source = generic[0].table.path if generic else "the unified number"
    return Branch("", str(plan.number), source)
