"""The build-host options of a command (build, boot, repro, doctor) and what they resolve to."""

from dataclasses import dataclass

from ..errors import UserError
from . import hostspec


@dataclass(frozen=True)
class RemoteOptions:
    hosts: tuple                      # HostSpec, in the order given
    accept_new_host_key: bool = False
    fallback_local: bool = False


def add_arguments(parser, fallback=True):
    """--build-host (repeatable), --no-build-host, --accept-new-host-key [, --fallback-local]."""
    parser.add_argument("--build-host", action="append", default=[], metavar="[USER@]HOST[:PORT]",
                        help="build the kernel on this host over SSH (repeatable: one arch per host, "
                        f"in parallel); default: the hosts in {hostspec.config_file()}, if any")
    parser.add_argument("--no-build-host", action="store_true",
                        help="build here even when the build-hosts file names hosts")
    parser.add_argument("--accept-new-host-key", action="store_true",
                        help="trust a build host whose key is not in ~/.ssh/known_hosts yet, and add it "
                        "(a changed key is always refused)")
    if fallback:
        parser.add_argument("--fallback-local", action="store_true",
                            help="when a build host is unreachable or fails, build that arch here instead")


def from_args(args):
    """RemoteOptions, or None for a local build."""
    if args.no_build_host:
        if args.build_host:
            raise UserError("--build-host and --no-build-host contradict each other; give one")
        return None
    hosts = [hostspec.parse(text) for text in args.build_host] or hostspec.configured()
    if not hosts:
        return None
    if len(set(hosts)) != len(hosts):
        raise UserError("--build-host: a host is named twice; name each once (it builds one arch at a time)")
    return RemoteOptions(tuple(hosts), args.accept_new_host_key, getattr(args, "fallback_local", False))
