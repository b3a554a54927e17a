"""Every command line a build host runs, built here and nowhere else: each word shell-quoted.

Nothing the user controls (branch names, paths, arch names) reaches a host's
shell unquoted; the one unquoted piece is the fixed default-folder expression.
"""

import re
import shlex

from .. import kbuild
from .layout import DEFAULT_DIR

MAKE_FAILED = 97   # the build script's status when make itself failed (not the host)


def line(*argv):
    return shlex.join(str(a) for a in argv)


def chain(*lines):
    return " && ".join(lines)


def resolve_dir(configured=None):
    """Make the host's folder and print its absolute path."""
    if configured:
        where = shlex.quote(configured)
        return f"mkdir -p -- {where} && cd -- {where} && pwd -P"
    return f'd="{DEFAULT_DIR}" && mkdir -p -- "$d" && cd -- "$d" && pwd -P'


def probe(root, tools, files):
    """One `key=value` line per fact: os, cpus, tool:<name>, file:<path>, df (free KiB in root)."""
    parts = ['echo "os=$(uname -sm)"', 'echo "cpus=$(nproc 2>/dev/null || echo 1)"']
    for tool in tools:
        parts.append(f"if command -v {shlex.quote(tool)} >/dev/null 2>&1; then "
                     f"echo {shlex.quote('tool:' + tool + '=yes')}; else "
                     f"echo {shlex.quote('tool:' + tool + '=no')}; fi")
    for path in files:
        parts.append(f"if test -f {shlex.quote(path)}; then echo {shlex.quote('file:' + path + '=yes')}; "
                     f"else echo {shlex.quote('file:' + path + '=no')}; fi")
    parts.append(f"echo \"df=$(df -Pk -- {shlex.quote(root)} | awk 'NR==2 {{print $4}}')\"")
    return "; ".join(parts)


def parse_probe(text):
    facts = {}
    for row in text.splitlines():
        key, sep, value = row.partition("=")
        if sep:
            facts[key] = value
    return facts


def prepare(layout):
    """The folders and the bare repository the commit is pushed into."""
    return chain(line("mkdir", "-p", "--", f"{layout.root}/trees", layout.build_dir),
                 line("git", "init", "-q", "--bare", layout.git))


def push_url(host, layout):
    hostname = f"[{host.host}]" if ":" in host.host else host.host
    user = f"{host.user}@" if host.user else ""
    port = f":{host.port}" if host.port else ""
    return f"ssh://{user}{hostname}{port}{layout.git}"


def build(layout, machine, snap, jobs, cc):
    """Under the tree's lock: check out the snapshot's commit, take a changed .config through olddefconfig,
    make, pack."""
    commit = snap.commit
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        raise ValueError(f"not a full commit id: {commit!r}")
    site = kbuild.Site(machine, layout.src, layout.build_dir)  # the host's checkout and folder

    def make(*targets, jobs=None):
        argv = kbuild.make_command(site, *targets, jobs=jobs, cc=cc)
        return f"{{ {line(*argv)} || exit {MAKE_FAILED}; }}"

    worktree = line("git", "-C", layout.git, "worktree", "add", "-q", "--detach", layout.src, commit)
    script = chain(
        line("echo", f"remote: {snap.label} at {commit[:12]} for {machine.name} in {layout.src}"),
        f"{{ test -e {shlex.quote(layout.src + '/.git')} || "
        f"{{ {line('git', '-C', layout.git, 'worktree', 'prune')} && {worktree}; }}; }}",
        line("git", "-C", layout.src, "checkout", "-q", "--force", "--detach", commit),
        f"if ! {line('cmp', '-s', layout.sent_config, layout.applied_config)}; then "
        + chain(line("cp", layout.sent_config, f"{layout.build_dir}/.config"), make("olddefconfig"),
                line("cp", layout.sent_config, layout.applied_config)) + "; fi",
        make(machine.target, "headers_install", jobs=jobs),
        line("tar", "-C", layout.build_dir, "-czf", layout.artifacts, ".config", machine.image,
             "usr/include"))
    busy = line("echo", "remote: waiting for another build of this tree there")
    return f"{{ {line('flock', '-n', layout.lock, 'true')} || {busy}; }}; {line('flock', layout.lock, 'sh', '-c', script)}"


def compiler_line(machine, has_ccache):
    cc = machine.compiler()
    return f"ccache {cc}" if has_ccache else cc
