"""The selftests' header: the preprocessor picks each architecture's number."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.syscalls import render
from scripts.syscalls.discover import find_tables
from scripts.syscalls.selftest_header import render_header

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls"
# what each architecture's compiler predefines, and what its <asm/unistd.h> gives the header
TARGETS = {
    "x86_64": (["__x86_64__"], "", 463),
    "x32": (["__x86_64__", "__ILP32__"], "#define __X32_SYSCALL_BIT 0x40000000\n", 0x40000000 + 463),
    "i386": (["__i386__"], "", 463),
    "alpha": (["__alpha__"], "", 573),
    "mips-n32": (["__mips__", "_MIPS_SIM=2", "_MIPS_SIM_ABI32=1", "_MIPS_SIM_NABI32=2",
                  "_MIPS_SIM_ABI64=3"], "#define __NR_Linux 6000\n", 6463),
    "mips-o32": (["__mips__", "_MIPS_SIM=1", "_MIPS_SIM_ABI32=1", "_MIPS_SIM_NABI32=2",
                  "_MIPS_SIM_ABI64=3"], "#define __NR_Linux 4000\n", 4463),
    "arm": (["__arm__"], "#define __NR_SYSCALL_BASE 0\n", 463),
    "aarch64": (["__aarch64__"], "", 463),
    "riscv": (["__riscv"], "", 463),
}


@pytest.fixture(scope="module")
def header_text():
    plan = render.plan(find_tables(DATA / "linux-6.12-cut"), "refpage_create", "sys_refpage_create")
    return render_header(plan, "Linux 6.12.57 (test)")


@pytest.mark.skipif(shutil.which("cpp") is None, reason="no cpp on this machine to preprocess the header")
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_each_architecture_gets_its_number(header_text, tmp_path, target):
    macros, asm_unistd, expected = TARGETS[target]
    (tmp_path / "asm").mkdir()
    (tmp_path / "asm/unistd.h").write_text(asm_unistd)
    (tmp_path / "nr.h").write_text(header_text)
    (tmp_path / "probe.c").write_text('#include "nr.h"\nvalue = __NR_refpage_create\n')
    argv = ["cpp", "-P", "-undef", "-nostdinc", "-I", str(tmp_path)]
    argv += [f"-D{m}" for m in macros] + [str(tmp_path / "probe.c")]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    value = out.strip().splitlines()[-1].split("=", 1)[1]  # e.g. " (6000 + 463)"
    assert sum(int(term, 0) for term in re.findall(r"0x[0-9a-fA-F]+|\d+", value)) == expected


def test_header_names_its_source_and_guards_against_a_real_define(header_text):
    assert "#ifndef __NR_refpage_create\n#if defined(__alpha__)" in header_text
    assert "# define __NR_refpage_create 463\t/* scripts/syscall.tbl */" in header_text
    assert header_text.count("#ifndef _REFPAGE_CI_NR_REFPAGE_CREATE_H") == 1
