"""Moving things to and from a build host: the commit goes with `git push`, the built kernel,
its uapi headers and the host's .config come back as one tarball."""

import os
import shlex
import subprocess
import tarfile
from pathlib import Path

from . import commands, hostkeys
from .errors import HostFailed

KEY_FILES = ("id_ed25519", "id_ecdsa", "id_rsa")  # the ones paramiko looks for


def push(tree, snapshot, host, layout, log):
    """Push the snapshot's commit into the host's bare repository, as refs/refpage-ci/<tree>/<branch>.

    The branch name travels inside git's protocol, never through a shell.
    """
    ref = f"refs/refpage-ci/{layout.tree}/{snapshot.label}"
    url = commands.push_url(host, layout)
    env = dict(os.environ, GIT_SSH_COMMAND=ssh_command())
    cmd = ["git", "-C", str(tree), "push", "--quiet", "--force", url, f"{snapshot.commit}:{ref}"]
    with open(log, "a") as out:
        out.write("$ " + shlex.join(cmd) + "\n")
        out.flush()
        res = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    if res.returncode:
        last = Path(log).read_text(errors="replace").splitlines()[-1:] or ["?"]
        raise HostFailed(host, f"git push failed (exit {res.returncode}): {last[0]}; log: {log}")
    return ref


def ssh_command():
    """`ssh` for git, with the known-hosts file and the keys paramiko uses ($HOME's, see hostkeys)."""
    keys = [Path.home() / ".ssh" / name for name in KEY_FILES]
    identities = [arg for key in keys if key.is_file() for arg in ("-o", f'IdentityFile="{key}"')]
    return shlex.join(["ssh", *hostkeys.openssh_options(), *identities])


def fetch_artifacts(session, layout, dest):
    """The host's tarball into `dest` (image, usr/include, .config), unpacked safely."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    local = dest / "refpage-ci-artifacts.tgz"
    session.get(layout.artifacts, local)
    try:
        with tarfile.open(local) as tar:
            unpack(tar, dest)
    except (tarfile.TarError, OSError) as exc:
        raise HostFailed(session.host, f"the artifacts from {layout.artifacts} do not unpack ({exc})") from None
    finally:
        local.unlink(missing_ok=True)


def unpack(tar, dest):
    """Tar's `data` filter: files inside `dest` only, no devices, no links out; the host writes nowhere else."""
    tar.extractall(dest, filter="data")
