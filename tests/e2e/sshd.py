"""A real OpenSSH server for the remote-build tests: its own config, host key, authorized_keys and
pid file, on 127.0.0.1 at a free port; root logs in with a generated key. Each instance is one
"build host" whose folder (REFPAGE_CI_REMOTE_DIR, set by sshd's SetEnv) is fixed under the cache,
so its checkouts and build folders stay incremental from run to run."""

import socket
import subprocess
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"


def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)],
                   check=True)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sshd:
    def __init__(self, workdir, name, user_key, remote_dir):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.name, self.remote_dir = name, Path(remote_dir)
        self.host_key = keygen(self.workdir / "host_ed25519")
        (self.workdir / "authorized_keys").write_text(Path(f"{user_key}.pub").read_text())
        self.port = free_port()
        self.config = self.workdir / "sshd_config"
        self.config.write_text(self._config_text())
        self.log = self.workdir / "sshd.log"
        self.proc = None

    def _config_text(self):
        return "\n".join([
            "ListenAddress 127.0.0.1",
            f"HostKey {self.host_key}",
            f"PidFile {self.workdir / 'sshd.pid'}",
            f"AuthorizedKeysFile {self.workdir / 'authorized_keys'}",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",       # the key files live under /tmp, which is world-writable
            "Subsystem sftp internal-sftp",
            f"SetEnv REFPAGE_CI_REMOTE_DIR={self.remote_dir} CCACHE_DIR={self.remote_dir.parent / 'ccache'}",
            "",
        ])

    @property
    def spec(self):
        return f"root@127.0.0.1:{self.port}"

    def known_hosts_line(self):
        kind, key = Path(f"{self.host_key}.pub").read_text().split()[:2]
        return f"[127.0.0.1]:{self.port} {kind} {key}\n"

    def start(self):
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(self.config), "-p", str(self.port)],
                                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(4).startswith(b"SSH-"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"sshd did not answer on {self.port}: {self.log.read_text()[-2000:]}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def client_home(path, user_key, *known):
    """A HOME for the refpage-ci under test: its ~/.ssh holds the user key and these hosts' keys."""
    ssh = Path(path) / ".ssh"
    ssh.mkdir(mode=0o700, parents=True)
    for suffix in ("", ".pub"):
        target = ssh / f"id_ed25519{suffix}"
        target.write_bytes(Path(f"{user_key}{suffix}").read_bytes())
        target.chmod(0o600)
    (ssh / "known_hosts").write_text("".join(h.known_hosts_line() for h in known))
    return Path(path)


def client_env(cli, home, cache):
    env = cli.env(HOME=str(home), XDG_CONFIG_HOME=str(Path(home) / ".config"), REFPAGE_CI_CACHE=str(cache))
    for name in ("SSH_AUTH_SOCK", "XDG_CACHE_HOME"):
        env.pop(name, None)
    return env
