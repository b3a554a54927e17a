"""Moving things to and from a build host: the commit goes with `git push`, the built kernel,
its uapi headers and the host's .config come back as one tarball."""

import filecmp
import os
import shlex
import shutil
import tarfile
from pathlib import Path

from .. import process
from . import commands, hostkeys
from .errors import HostFailed

KEY_FILES = ("id_ed25519", "id_ecdsa", "id_rsa")  # the ones paramiko looks for


def push(tree, snapshot, host, layout, log):
    """Push the snapshot's commit into the host's bare repository (layout.ref keeps it there)."""
    ref = layout.ref
    url = commands.push_url(host, layout)
    cmd = ["git", "-C", str(tree), "push", "--quiet", "--force", url, f"{snapshot.commit}:{ref}"]
    returncode = process.run_logged(cmd, log, env={"GIT_SSH_COMMAND": ssh_command()})
    if returncode:
        last = process.tail(log, lines=1) or "?"
        raise HostFailed(host, f"git push failed (exit {returncode}): {last}; log: {log}")
    return ref


def ssh_command():
    """`ssh` for git, with the known-hosts file and the keys paramiko uses ($HOME's, see hostkeys)."""
    keys = [Path.home() / ".ssh" / name for name in KEY_FILES]
    identities = [arg for key in keys if key.is_file() for arg in ("-o", f'IdentityFile="{key}"')]
    return shlex.join(["ssh", *hostkeys.openssh_options(), *identities])


def fetch_artifacts(session, layout, dest):
    """The host's tarball into `dest` (image, usr/include, .config), unpacked safely."""
    dest = Path(dest)
    staging = dest / ".incoming"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    local = dest / "refpage-ci-artifacts.tgz"
    session.get(layout.artifacts, local)
    try:
        with tarfile.open(local) as tar:
            unpack(tar, staging)
        install(staging, dest)
    except (tarfile.TarError, OSError) as exc:
        raise HostFailed(session.host, f"the artifacts from {layout.artifacts} do not unpack ({exc})") from None
    finally:
        local.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)


def unpack(tar, dest):
    """Tar's `data` filter: files inside `dest` only, no devices, no links out; the host writes nowhere else."""
    tar.extractall(dest, filter="data")


def install(staging, dest):
    """Rename each file into place; an unchanged one is left as it was, its mtime too, so nothing
    that depends on it is rebuilt (and no file is rewritten in place, which ext4 makes slow)."""
    for path in sorted(Path(staging).rglob("*")):
        if path.is_dir():
            continue
        target = Path(dest) / path.relative_to(staging)
        if target.is_file() and filecmp.cmp(path, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
