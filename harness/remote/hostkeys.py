"""Known-hosts policy, the same for fabric and for OpenSSH (git push): known keys only, unless
the user accepts a new one explicitly; a changed key is refused either way."""

from pathlib import Path

import paramiko

GLOBAL_KNOWN_HOSTS = Path("/etc/ssh/ssh_known_hosts")


def known_hosts_file():
    return Path.home() / ".ssh" / "known_hosts"


class UnknownHostKey(paramiko.SSHException):
    def __init__(self, name, key):
        super().__init__(f"host key {key.get_name()} {key.fingerprint} of {name} is not in "
                         f"{known_hosts_file()}")
        self.name = name
        self.key = key


class RefuseUnknown(paramiko.MissingHostKeyPolicy):
    def missing_host_key(self, client, hostname, key):
        raise UnknownHostKey(hostname, key)


class AcceptNew(paramiko.MissingHostKeyPolicy):
    """OpenSSH's accept-new: remember an unknown key (appended, the file is never rewritten)."""

    def missing_host_key(self, client, hostname, key):
        path = known_hosts_file()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        new = not path.exists()
        with open(path, "a") as f:
            f.write(f"{hostname} {key.get_name()} {key.get_base64()}\n")
        if new:
            path.chmod(0o600)
        client.get_host_keys().add(hostname, key.get_name(), key)


def apply(client, accept_new):
    """Load the known keys into a paramiko client and set the policy for unknown ones."""
    for path in (GLOBAL_KNOWN_HOSTS, known_hosts_file()):
        if path.is_file():
            load(client.get_host_keys(), path.read_text(errors="replace"))
    client.set_missing_host_key_policy(AcceptNew() if accept_new else RefuseUnknown())


def load(host_keys, text):
    """Plain and hashed lines; paramiko's own loader stops at OpenSSH's @cert-authority lines, so
    those are left to OpenSSH, and a key on a @revoked line is not trusted."""
    revoked = {line.split()[-1] for line in text.splitlines() if line.startswith("@revoked")}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith(("#", "@")):
            continue
        try:
            entry = paramiko.hostkeys.HostKeyEntry.from_line(line, number)
        except (paramiko.SSHException, paramiko.hostkeys.InvalidHostKey, ValueError):
            continue
        if entry and entry.key.get_base64() not in revoked:
            for name in entry.hostnames:
                host_keys.add(name, entry.key.get_name(), entry.key)


def openssh_options():
    """For `ssh` under git: the key must be known by now (fabric accepted it first, if asked to).

    OpenSSH finds ~ in the password database, paramiko in $HOME: naming the
    file makes both read the same one.
    """
    return ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=15",
            "-o", f'UserKnownHostsFile="{known_hosts_file()}" "{GLOBAL_KNOWN_HOSTS}"']


def ssh_hint(host):
    """The command that shows the key and records it once the user says yes."""
    port = f"-p {host.port} " if host.port else ""
    user = f"{host.user}@" if host.user else ""
    return f"ssh {port}{user}{host.host} true"
