"""Known hosts: unknown keys refused unless accepted, accepted ones appended, changed ones refused."""

import socket
import subprocess

import paramiko
import pytest

from harness.remote import hostkeys, session
from harness.remote.hostspec import HostSpec

@pytest.fixture
def key(tmp_path):
    path = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return paramiko.Ed25519Key.from_private_key_file(str(path))


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_an_unknown_key_is_refused_with_its_fingerprint(home, key):
    client = paramiko.SSHClient()
    hostkeys.apply(client, accept_new=False)
    with pytest.raises(hostkeys.UnknownHostKey) as exc:
        client._policy.missing_host_key(client, "[127.0.0.1]:2222", key)
    assert f"ssh-ed25519 {key.fingerprint} of [127.0.0.1]:2222 is not in {home}/.ssh/known_hosts" in str(exc.value)
    assert not (home / ".ssh" / "known_hosts").exists()


def test_accept_new_appends_and_keeps_what_was_there(home, key):
    (home / ".ssh").mkdir(parents=True)
    known = home / ".ssh" / "known_hosts"
    mine = f"# mine\n@cert-authority *.example.org ssh-ed25519 {key.get_base64()}\n"
    known.write_text(mine)
    client = paramiko.SSHClient()
    hostkeys.apply(client, accept_new=True)
    client._policy.missing_host_key(client, "[127.0.0.1]:2222", key)
    assert known.read_text() == mine + f"[127.0.0.1]:2222 ssh-ed25519 {key.get_base64()}\n"
    assert client.get_host_keys().lookup("[127.0.0.1]:2222")["ssh-ed25519"] == key


def test_known_hosts_lines_paramiko_cannot_read_are_skipped_and_revoked_keys_untrusted(key):
    other = paramiko.RSAKey.generate(1024)
    text = (f"@cert-authority *.example.org ssh-ed25519 {key.get_base64()}\n"
            f"|1|AAAA|BBBB ssh-ed25519 not-base64!\n"
            f"[127.0.0.1]:2222,big-box ssh-ed25519 {key.get_base64()}\n"
            f"old-box ssh-rsa {other.get_base64()}\n@revoked * ssh-rsa {other.get_base64()}\n")
    keys = paramiko.HostKeys()
    hostkeys.load(keys, text)
    assert keys.lookup("big-box")["ssh-ed25519"] == key
    assert keys.lookup("[127.0.0.1]:2222")["ssh-ed25519"] == key
    assert keys.lookup("old-box") is None


def test_hashed_names_match(key):
    hashed = paramiko.HostKeys.hash_host("[127.0.0.1]:2222")
    keys = paramiko.HostKeys()
    hostkeys.load(keys, f"{hashed} ssh-ed25519 {key.get_base64()}\n")
    assert keys.lookup("[127.0.0.1]:2222")["ssh-ed25519"] == key
    assert keys.lookup("[127.0.0.1]:2223") is None


def test_a_first_known_hosts_file_is_private(home, key):
    client = paramiko.SSHClient()
    hostkeys.apply(client, accept_new=True)
    client._policy.missing_host_key(client, "big-box", key)
    assert (home / ".ssh" / "known_hosts").stat().st_mode & 0o777 == 0o600
    assert (home / ".ssh").stat().st_mode & 0o777 == 0o700


def test_openssh_is_strict_and_reads_the_same_file(home):
    opts = hostkeys.openssh_options()
    assert "StrictHostKeyChecking=yes" in opts and "BatchMode=yes" in opts
    assert f'UserKnownHostsFile="{home}/.ssh/known_hosts" "/etc/ssh/ssh_known_hosts"' in opts


H = HostSpec("127.0.0.1", "root", 2222)


def test_connect_failures_are_one_line_with_the_fix(key):
    other = paramiko.RSAKey.generate(1024)
    cases = {
        hostkeys.UnknownHostKey("[127.0.0.1]:2222", key):
            "record it with `ssh -p 2222 root@127.0.0.1 true`, or pass --accept-new-host-key",
        paramiko.BadHostKeyException("[127.0.0.1]:2222", other, key): "host key CHANGED",
        paramiko.AuthenticationException("no"): "authentication failed",
        socket.gaierror(-2, "Name or service not known"): "unknown host name '127.0.0.1'",
        paramiko.ssh_exception.NoValidConnectionsError({("127.0.0.1", 2222): OSError(111, "refused")}):
            "unreachable (connection refused on port 2222)",
        TimeoutError(): "unreachable (no answer within 15s)",
        OSError(113, "No route to host"): "unreachable (No route to host)",
        paramiko.SSHException("Error reading SSH protocol banner"): "SSH failed",
    }
    for exc, expected in cases.items():
        line = session.why_not_connected(H, exc)
        assert expected in line and "\n" not in line, (exc, line)
