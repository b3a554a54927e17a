"""One SSH session to a build host with fabric: opened under the known-hosts policy, every failure
turned into a one-line HostFailed that says what to do."""

import socket

import paramiko
from fabric import Config, Connection

from . import hostkeys
from .errors import HostFailed

CONNECT_TIMEOUT = 15


class Session:
    def __init__(self, host, accept_new_host_key=False):
        self.host = host
        self.accept_new = accept_new_host_key
        config = Config(overrides={"run": {"in_stream": False, "pty": False}})
        self.conn = Connection(host.host, user=host.user, port=host.port, config=config,
                               connect_timeout=CONNECT_TIMEOUT)
        hostkeys.apply(self.conn.client, accept_new_host_key)

    def __enter__(self):
        try:
            self.conn.open()
        except Exception as exc:
            raise HostFailed(self.host, why_not_connected(self.host, exc)) from None
        return self

    def __exit__(self, *exc):
        self.conn.close()

    def run(self, command, stream=None):
        """Run a command line (already quoted, see commands); its output to `stream` or captured."""
        try:
            return self.conn.run(command, warn=True, hide=stream is None,
                                 out_stream=stream, err_stream=stream)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise HostFailed(self.host, f"connection lost ({exc or type(exc).__name__})") from None

    def output(self, command, what):
        """stdout of a command that must succeed; HostFailed naming `what` otherwise."""
        res = self.run(command)
        if res.exited != 0:
            tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or [f"exit {res.exited}"]
            raise HostFailed(self.host, f"{what} failed: {tail[0]}")
        return res.stdout

    def get(self, remote, local):
        try:
            self.conn.get(remote, local=str(local))
        except (paramiko.SSHException, OSError) as exc:
            raise HostFailed(self.host, f"fetching {remote} failed ({exc})") from None

    def put(self, local, remote):
        try:
            self.conn.put(str(local), remote=remote)
        except (paramiko.SSHException, OSError) as exc:
            raise HostFailed(self.host, f"sending {remote} failed ({exc})") from None


def why_not_connected(host, exc):
    """The one line for a failed connect, with the fix."""
    if isinstance(exc, hostkeys.UnknownHostKey):
        return (f"{exc}; check it and record it with `{hostkeys.ssh_hint(host)}`, "
                "or pass --accept-new-host-key")
    if isinstance(exc, paramiko.BadHostKeyException):
        return (f"host key CHANGED ({exc.key.get_name()} {exc.key.fingerprint}, known_hosts has "
                f"{exc.expected_key.fingerprint}); refusing. If the host was reinstalled, "
                f"`ssh-keygen -R {exc.hostname!r}` and connect again")
    if isinstance(exc, paramiko.AuthenticationException):
        return ("authentication failed: no key of yours (~/.ssh, ssh-agent) was accepted; "
                "add your public key to the host's ~/.ssh/authorized_keys")
    if isinstance(exc, socket.gaierror):
        return f"unknown host name {host.host!r} ({exc.strerror})"
    if isinstance(exc, paramiko.ssh_exception.NoValidConnectionsError):
        return f"unreachable (connection refused on port {host.port or 22})"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"unreachable (no answer within {CONNECT_TIMEOUT}s)"
    if isinstance(exc, OSError):
        return f"unreachable ({exc.strerror or exc})"
    return f"SSH failed ({type(exc).__name__}: {exc})"
