"""`refpage-ci doctor --build-host H`, and the same checks before a build there: reachable, the
tools and compilers for each arch, the headers the kernel build needs, free disk."""

import shutil

from ..findings import BUILD_TOOLS, HEADERS, Finding
from . import commands
from .errors import HostFailed
from .session import Session

MIN_FREE_GIB = 5
HOST_TOOLS = BUILD_TOOLS + (("tar", "tar"), ("flock", "util-linux"), ("gzip", "gzip"))


def tools_for(machines):
    tools = {cmd: pkg for cmd, pkg in HOST_TOOLS}
    tools.update({m.compiler(): m.cross_package for m in machines})
    return tools


def probe(session, root, machines):
    """What the host has: `commands.probe` facts for these arches' tools and headers."""
    files = [path for path, _ in HEADERS]
    tools = [*tools_for(machines), "ccache"]
    return commands.parse_probe(session.output(commands.probe(root, tools, files), "probing"))


def findings(host, root, facts, machines):
    """Pure: the probe's facts as doctor findings for `host`."""
    F, name = Finding, host.label
    found = [F(f"build host {name}: reachable ({facts.get('os', '?')}, {facts.get('cpus', '?')} cpus), "
               f"folder {root}", True)]
    for tool, pkg in tools_for(machines).items():
        found.append(F(f"{name}: {tool}", facts.get(f"tool:{tool}") == "yes",
                       f"apt-get install {pkg} (on the host)"))
    found.append(F(f"{name}: ccache", facts.get("tool:ccache") == "yes",
                   "apt-get install ccache (on the host)", required=False))
    for path, pkg in HEADERS:
        found.append(F(f"{name}: {path}", facts.get(f"file:{path}") == "yes",
                       f"apt-get install {pkg} (on the host)"))
    free = _gib(facts.get("df"))
    found.append(F(f"{name}: {free:.1f} GiB free in {root}" if free is not None else f"{name}: free disk",
                   free is not None and free >= MIN_FREE_GIB,
                   f"a kernel tree and its builds take about {MIN_FREE_GIB} GiB; free some space, "
                   "or set dir=PATH for this host in the build-hosts file"))
    return found


def _gib(kib):
    return int(kib) / 2**20 if kib and kib.isdigit() else None


def check(hosts, machines, accept_new_host_key=False):
    """Findings for each host; an unreachable one is one failed finding."""
    found = [Finding("ssh (git pushes to build hosts with it)", shutil.which("ssh") is not None,
                                  "apt-get install openssh-client")]
    for host in hosts:
        try:
            with Session(host, accept_new_host_key) as s:
                root = s.output(commands.resolve_dir(host.dir), "making its folder").strip()
                found += findings(host, root, probe(s, root, machines), machines)
        except HostFailed as exc:
            found.append(Finding(f"build host {host.label}", False, exc.reason))
    return found
