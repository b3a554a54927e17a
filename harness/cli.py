"""The `refpage-ci` command line: parse, dispatch, and turn errors into one line and an exit status."""

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from scripts.series import command as series_command
from scripts.syscalls import command as syscalls_command

from . import completion, distcc, doctor, examples, interrupt, kcidb, machine as machines, version
from . import parse_command, paths, runargs, tree_command
from .bench import command as bench_command
from .errors import StageFailed, UserError
from .regress import command as regress_command
from .remote import options as remote_options
from .repro import command as repro_command

# The commands after boot, run, shell, build and doctor, in --help's order: each has register(subparsers).
COMMANDS = (syscalls_command, series_command, repro_command, bench_command, tree_command, regress_command,
            parse_command)


def _common(p, several=False):
    runargs.add_arch(p, several=several)
    p.add_argument("--tree", help="kernel checkout, or debian:X.Y: Debian's linux-source-X.Y unpacked into the "
                   "cache (default: debian:6.12; `refpage-ci tree list`)")
    p.add_argument("--out", help="folder for logs, console transcript and results (default: out/<command>-<arch>)")
    p.add_argument("--config", dest="variant", help="config variant: qemu_images/<arch>/<NAME>.config on top of base")
    p.add_argument("--fragment", action="append", default=[], help="extra config fragment file (repeatable)")
    distcc_arguments(p)
    p.add_argument("--no-series", action="store_true",
                   help="boot debian:X.Y (or the default tree) as it is, without the series: a baseline")
    p.add_argument("--junit", help="also write JUnit XML here")
    p.add_argument("--json", help="also write the results as JSON here")
    runargs.add(p)


def distcc_arguments(p):
    p.add_argument("--distcc", metavar="HOST[,HOST...]",
                   help="compile through these distccd hosts, HOST[:PORT][/SLOTS] (default: $DISTCC_HOSTS, "
                   "else the `distcc` line of the build-hosts file); ccache stays in front")
    p.add_argument("--no-distcc", action="store_true", help="compile here even when distcc hosts are configured")


def parser():
    from . import boot  # the command bodies
    top = argparse.ArgumentParser(prog="refpage-ci", description=examples.PURPOSE)
    top.add_argument("--version", action=version.Action, help="the version, the series ports and their bases")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("boot", help="build, boot and run the selftests; exit 0 only if all passed")
    _common(p, several=True)
    p.add_argument("--only", action="append", metavar="PROGRAM",
                   help="run only this selftest program, e.g. refpage_rt (repeatable); the rest stay in the image")
    p.add_argument("-t", dest="only_tests", action="append", metavar="TEST",
                   help="with --only: run only this test of it, kselftest's own -t (repeatable), e.g. -t rt_thp")
    p.add_argument("--parallel", action="store_true",
                   help="run the selftest programs at once in the guest (the tests' time about a third shorter "
                        "on 2 vCPUs); each keeps its own output and status, but a kernel splat is then "
                        "charged to every program that ran with it")
    remote_options.add_arguments(p)
    kcidb.add_arguments(p)
    p.set_defaults(func=boot.boot_command)

    p = sub.add_parser("run", help="boot and run one command (or --test FILE.c); its status is ours")
    _common(p)
    p.add_argument("--test", help="a C reproducer to cross-compile against this kernel's uapi headers and run")
    kcidb.add_arguments(p)
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    p.set_defaults(func=boot.run_command)

    p = sub.add_parser("shell", help="boot with an interactive console (Ctrl-A x quits)")
    _common(p)
    p.set_defaults(func=boot.shell_command)

    p = sub.add_parser("config", help="the config phase alone: print the .config path")
    _common(p, several=True)
    p.set_defaults(func=boot.config_command)

    p = sub.add_parser("build", help="configure and build only; print the kernel image path")
    _common(p, several=True)
    remote_options.add_arguments(p)
    p.set_defaults(func=boot.build_command)

    p = sub.add_parser("doctor", help="say what is missing and the command that installs it")
    runargs.add_arch(p, several=True, required=False, why=" (default: all)")
    remote_options.add_arguments(p, fallback=False)
    distcc_arguments(p)
    p.set_defaults(func=lambda a: doctor.report(a.arch or machines.known_arches(),
                                                remote=remote_options.from_args(a),
                                                distcc=distcc.resolve(a.distcc, a.no_distcc)))

    for module in COMMANDS:
        module.register(sub)
    completion.add_parser(sub, top)
    examples.attach(top)
    return top


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    signal.signal(signal.SIGTERM, _terminate)
    interrupt.install()
    args = None
    try:
        args = parser().parse_args(argv)
        status = args.func(args) or 0
        interrupt.check()
        return status
    except UserError as exc:
        print(f"refpage-ci: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except StageFailed as exc:
        if exc.detail:
            print(exc.detail, file=sys.stderr)
        print(f"refpage-ci: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("refpage-ci: interrupted; QEMU stopped", file=sys.stderr)
        return 130
    except Exception as exc:
        return _internal_error(exc, args, argv)


def _internal_error(exc, args, argv):
    """A bug of ours: one line naming the command, the traceback in a log for the report."""
    message = (str(exc).strip().splitlines() or [""])[0]
    where = _save_traceback(exc, args, argv)
    print(f"refpage-ci: internal error in {_command_name(args)}: {type(exc).__name__}"
          f"{': ' + message if message else ''}; {where}", file=sys.stderr)
    return 1


def _command_name(args):
    if args is None:
        return "the command line"
    sub = getattr(args, f"{args.command}_command", None)
    return f"{args.command} {sub}" if sub else args.command


def _save_traceback(exc, args, argv):
    words = sys.argv[1:] if argv is None else argv
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    text = f"refpage-ci {' '.join(words)}\n{trace}"
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in _crash_folders(args):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
            return f"traceback in {folder.resolve() / name}"
        except OSError:
            continue
    return "the traceback could not be saved"


def _crash_folders(args):
    """The run's out folder when known (--out, or the default one it made), then the cache."""
    out = getattr(args, "out", None)
    arch = getattr(args, "arch", None)
    if out:
        yield Path(out)
    elif isinstance(arch, str) and "," not in arch and Path("out", f"{args.command}-{arch}").is_dir():
        yield Path("out", f"{args.command}-{arch}")
    yield paths.cache_dir()


if __name__ == "__main__":
    sys.exit(main())
