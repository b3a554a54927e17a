"""Reading what generated headers define, on text the kernel's scripts produce."""

from scripts.syscalls import headers

UNISTD_64 = """#ifndef _UAPI_ASM_UNISTD_64_H
#define _UAPI_ASM_UNISTD_64_H

#define __NR_mseal 462
#define __NR_refpage_create 463

#ifdef __KERNEL__
#define __NR_syscalls 464
#endif

#endif /* _UAPI_ASM_UNISTD_64_H */
"""


def test_plain_and_offset_numbers():
    assert headers.number_of("463") == 463
    assert headers.number_of("(__NR_Linux + 463)") == 463
    assert headers.number_of("(__X32_SYSCALL_BIT + 463)") == 463
    assert headers.number_of("__NR3264_fcntl") is None


def test_unistd_header_passes_with_the_expected_number():
    finding = headers.check(UNISTD_64, "refpage_create", "sys_refpage_create", 463)
    assert finding.ok
    assert finding.text == "__NR_refpage_create 463; __NR_syscalls 464"


def test_unistd_header_with_another_number_fails():
    finding = headers.check(UNISTD_64, "refpage_create", "sys_refpage_create", 464)
    assert not finding.ok
    assert "__NR_refpage_create is 463, expected 464" in finding.text
    assert "__NR_syscalls 464 does not cover 464" in finding.text


def test_header_without_the_syscall_fails():
    text = "#define __NR_mseal (__NR_Linux + 462)\n"
    finding = headers.check(text, "refpage_create", "sys_refpage_create", 463)
    assert (finding.ok, finding.text) == (False, "no __NR_refpage_create")


def test_prefixed_compat_define_counts():
    text = "#define __NR_compat32_refpage_create 463\n#define __NR_compat32_syscalls 464\n"
    assert headers.check(text, "refpage_create", "sys_refpage_create", 463).ok


def test_syscall_table_header():
    text = "__SYSCALL(462, sys_mseal)\n__SYSCALL_WITH_COMPAT(463, sys_refpage_create, compat_x)\n"
    assert headers.check(text, "refpage_create", "sys_refpage_create", 463).ok
    missing = headers.check("__SYSCALL(462, sys_mseal)\n", "refpage_create", "sys_refpage_create", 463)
    assert (missing.ok, missing.text) == (False, "sys_refpage_create at no slot, expected [463]")


def test_header_without_syscalls_is_not_judged():
    assert headers.check("#include <asm-generic/errno.h>\n", "refpage_create", "x", 463) is None


def test_saved_kbuild_command_names_table_and_abis():
    text = ("savedcmd_arch/x86/include/generated/uapi/asm/unistd_x32.h := sh /t/scripts/syscallhdr.sh "
            "--abis common,x32 --emit-nr --offset __X32_SYSCALL_BIT  /t/arch/x86/entry/syscalls/"
            "syscall_64.tbl arch/x86/include/generated/uapi/asm/unistd_x32.h\n")
    command = headers.saved_command(text)
    assert command.tables == ("/t/arch/x86/entry/syscalls/syscall_64.tbl",)
    assert command.abis == ("common", "x32")


def test_saved_command_with_quotes_and_no_abis():
    text = ("cmd_arch/mips/include/generated/asm/unistd_nr_n32.h := sh '/t/arch/mips/kernel/syscalls/"
            "syscallnr.sh' '/t/arch/mips/kernel/syscalls/syscall_n32.tbl' 'out.h' '' 'N32'\n")
    command = headers.saved_command(text)
    assert command.tables == ("/t/arch/mips/kernel/syscalls/syscall_n32.tbl",)
    assert command.abis is None
