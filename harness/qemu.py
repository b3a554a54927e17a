"""The QEMU command line for a machine definition."""

import shlex

CMDLINE = "console={console} console_msg_format=syslog panic=-1 rdinit=/init rci_mode={mode}"


def kernel_cmdline(machine, mode="batch", extra=""):
    line = CMDLINE.format(console=machine.console, mode=mode)
    return f"{line} {extra}".strip()


def command(machine, kernel, initrd, accel, mode="batch"):
    """argv for qemu-system-*. A panic ends QEMU at once (panic=-1, -no-reboot)."""
    kvm = accel == "kvm"
    argv = [machine.qemu, "-machine", machine.kvm_machine if kvm else machine.machine,
            "-cpu", machine.kvm_cpu if kvm else machine.cpu, "-accel", "kvm" if kvm else "tcg",
            "-m", machine.memory, "-smp", str(machine.smp),
            "-nodefaults", "-display", "none", "-no-reboot",
            "-serial", "mon:stdio" if mode == "shell" else "stdio",
            "-kernel", str(kernel), "-initrd", str(initrd),
            "-append", kernel_cmdline(machine, mode)]
    return argv


def shell_line(argv):
    return " ".join(shlex.quote(a) for a in argv)
