"""The run options of every command that builds and boots (-j, the timeouts, --accel, -v), declared once;
pipeline.Options.from_args reads them back."""

TIMEOUT = 900.0          # the whole boot, from QEMU's start
BOOT_TIMEOUT = 120.0     # QEMU's start to the shell prompt
COMMAND_TIMEOUT = 600.0  # each command in the guest


def add(p, timeout=TIMEOUT, command_timeout=COMMAND_TIMEOUT, each="each command in the guest"):
    """The group, with a command's own defaults where its runs are longer or shorter than a boot's."""
    group = p.add_argument_group("run options")
    group.add_argument("-j", "--jobs", type=int,
                       help="make -j (default: cores + 1; with distcc, the hosts' slots + cores)")
    group.add_argument("--timeout", type=float, default=timeout,
                       help="the whole boot, from QEMU's start, in seconds (default: %(default).0f)")
    group.add_argument("--boot-timeout", type=float, default=BOOT_TIMEOUT,
                       help="QEMU's start to the shell prompt, in seconds (default: %(default).0f)")
    group.add_argument("--command-timeout", type=float, default=command_timeout,
                       help=f"{each}, in seconds (default: %(default).0f)")
    group.add_argument("--accel", choices=("kvm", "tcg"),
                       help="force an accelerator (default: the machine's, or KVM when a probe boot shows it works)")
    group.add_argument("-v", "--verbose", action="store_true", help="echo the serial console live")
    return group
