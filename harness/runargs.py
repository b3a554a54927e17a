"""The run options of every command that builds and boots (-j, the timeouts, --accel, -v), declared once;
pipeline.Options.from_args reads them back; and the one `--arch` grammar."""

import argparse

from . import machine as machines
from .errors import UserError

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


def add_arch(p, several=False, required=True, why=""):
    """`--arch`, one grammar everywhere: names from qemu_images/, comma-separated or repeated where a
    command takes several (args.arch a tuple), exactly one where it takes one (args.arch the name)."""
    known = machines.known_arches()
    shape = f"{known[0]},{known[-1]} or repeated" if several else "one"
    p.add_argument("--arch", required=required, action=_Arches, several=several, metavar="ARCH",
                   help=f"guest arch, {shape}: {', '.join(known)}{why}")


class _Arches(argparse.Action):
    def __init__(self, *args, several=False, **kw):
        super().__init__(*args, **kw)
        self.several = several

    def __call__(self, parser, namespace, value, option_string=None):
        given = getattr(namespace, self.dest, None)
        names = [n.strip() for n in value.split(",") if n.strip()]
        known = machines.known_arches()
        for name in names:
            if name not in known:
                raise UserError(f"unknown --arch {name!r}: known arches are {', '.join(known)}")
        if not self.several:
            if len(names) != 1 or given is not None:
                raise UserError(f"--arch {value}: {parser.prog.split()[-1]} takes one arch, e.g. --arch {known[0]}")
            setattr(namespace, self.dest, names[0])
            return
        arches = tuple(given or ()) + tuple(names)
        if not names or len(set(arches)) != len(arches):
            raise UserError(f"--arch {value!r}: name each arch once, e.g. --arch {','.join(known)}")
        setattr(namespace, self.dest, arches)
