"""The hand-written `__NR_` lists of older trees: parsing, where a new entry goes, the count."""

from pathlib import Path

from scripts.syscalls import unistd

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls" / "linux-6.1-cut"
GENERIC = "include/uapi/asm-generic/unistd.h"
COMPAT = "arch/arm64/include/asm/unistd32.h"


def _list(rel, arch="generic", variant="unistd.h"):
    return unistd.parse_unistd((DATA / rel).read_text(), rel, arch, variant)


def _newest(table):
    return max(table.entries, key=lambda e: e.number)


def test_generic_list_entries_pair_define_and_syscall_line():
    table = _list(GENERIC)
    newest = _newest(table)
    assert (newest.name, newest.number, newest.entry) == ("set_mempolicy_home_node", 450,
                                                          "sys_set_mempolicy_home_node")
    assert table.lines[newest.last_lineno - 1] == \
        "__SYSCALL(__NR_set_mempolicy_home_node, sys_set_mempolicy_home_node)"


def test_compat_entry_points_and_3264_pairs_are_read():
    text = ("#define __NR3264_fcntl 25\n"
            "__SC_COMP_3264(__NR3264_fcntl, sys_fcntl64, sys_fcntl, compat_sys_fcntl64)\n"
            "#define __NR_ioctl 29\n"
            "__SC_COMP(__NR_ioctl, sys_ioctl, compat_sys_ioctl)\n")
    fcntl, ioctl = unistd.parse_unistd(text, "u.h", "generic", "unistd.h").entries
    assert (fcntl.abi, fcntl.name, fcntl.number) == ("3264", "fcntl", 25)
    assert (ioctl.entry, ioctl.compat, ioctl.last_lineno) == ("sys_ioctl", "compat_sys_ioctl", 4)


def test_reserved_slot_counts_as_taken():
    text = "#define __NR_close 6\n__SYSCALL(__NR_close, sys_close)\n__SYSCALL(7, sys_ni_syscall)\n"
    numbers = [(e.number, e.abi) for e in unistd.parse_unistd(text, "u.h", "arm64", "compat").entries]
    assert numbers == [(6, ""), (7, "reserved")]


def test_count_define_found_and_bumped_keeping_its_spacing():
    text = (DATA / "arch/arm64/include/asm/unistd.h").read_text()
    count = unistd.find_count(text, "arch/arm64/include/asm/unistd.h")
    assert (count.macro, count.value) == ("__NR_compat_syscalls", 451)
    line = text.splitlines()[count.lineno - 1]
    assert unistd.bump_count(line, 452) == "#define __NR_compat_syscalls\t\t452"


def test_generic_list_count_is_in_the_same_file():
    count = unistd.find_count((DATA / GENERIC).read_text(), GENERIC)
    assert (count.macro, count.value) == ("__NR_syscalls", 451)


def test_new_entry_goes_after_the_endif_of_an_ifdef_block():
    text = ("#define __NR_a 1\n__SYSCALL(__NR_a, sys_a)\n"
            "#ifdef __ARCH_WANT_MEMFD_SECRET\n"
            "#define __NR_memfd_secret 2\n__SYSCALL(__NR_memfd_secret, sys_memfd_secret)\n"
            "#endif\n"
            "\n#undef __NR_syscalls\n#define __NR_syscalls 3\n")
    table = unistd.parse_unistd(text, "u.h", "generic", "unistd.h")
    secret = [e for e in table.entries if e.name == "memfd_secret"][0]
    assert unistd.insertion_after(table, secret) == 6  # after "#endif"


def test_blank_line_style_follows_the_list():
    generic, compat = _list(GENERIC), _list(COMPAT, "arm64", "compat")
    assert unistd.blank_line_before(generic, _newest(generic)) is True
    assert unistd.blank_line_before(compat, _newest(compat)) is False


def test_a_wrapper_header_is_not_a_list():
    wrapper = (DATA.parent / "linux-6.12-cut" / COMPAT).read_text()
    assert not unistd.is_list(wrapper)
    assert unistd.is_list((DATA / COMPAT).read_text())
