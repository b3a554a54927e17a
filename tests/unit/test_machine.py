import pytest

from harness import machine, qemu
from harness.errors import UserError


def test_every_shipped_machine_loads():
    assert machine.known_arches() == ["arm64", "x86_64"]
    arm = machine.load("arm64")
    assert (arm.machine, arm.cpu, arm.console, arm.accel) == ("virt,mte=on", "max", "ttyAMA0", "tcg")
    assert arm.compiler() == "aarch64-linux-gnu-gcc"
    x86 = machine.load("x86_64")
    assert (x86.srcarch, x86.accel, x86.compiler()) == ("x86", "auto", "gcc")


def test_unknown_arch_names_the_known_ones():
    with pytest.raises(UserError, match=r"unknown --arch 'riscv': known arches are arm64, x86_64"):
        machine.load("riscv")


def test_missing_key_is_a_user_error():
    with pytest.raises(UserError, match="bad machine definition"):
        machine.parse("x", "[machine]\nqemu = q\n[kernel]\n", "x.ini")


def test_bad_accel_is_refused():
    text = machine.load("arm64").folder.joinpath("machine.ini").read_text().replace("accel = tcg", "accel = hvf")
    with pytest.raises(UserError, match="accel = 'hvf'"):
        machine.parse("arm64", text)


def test_qemu_command_arm64_has_mte_panic_and_no_reboot():
    argv = qemu.command(machine.load("arm64"), "/k/Image", "/i.cpio", "tcg")
    line = " ".join(argv)
    assert argv[0] == "qemu-system-aarch64"
    assert "-machine virt,mte=on -cpu max -accel tcg" in line
    assert "-no-reboot" in argv and "-serial stdio" in line
    cmdline = argv[argv.index("-append") + 1]
    assert cmdline.split() == ["console=ttyAMA0", "console_msg_format=syslog", "panic=-1",
                               "rdinit=/init", "rci_mode=batch"]


def test_qemu_command_kvm_uses_host_cpu_and_shell_mode_muxes_the_monitor():
    argv = qemu.command(machine.load("x86_64"), "/k/bzImage", "/i.cpio", "kvm", mode="shell")
    line = " ".join(argv)
    assert "-cpu host -accel kvm" in line
    assert "-serial mon:stdio" in line
    assert "rci_mode=shell" in argv[argv.index("-append") + 1]
