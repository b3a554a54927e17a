import pytest

from harness import distcc
from harness.errors import UserError


def test_hosts_with_ports_and_slots():
    hosts = distcc.parse_list("127.0.0.1:3633/4, box", "--distcc")
    assert [h.spec for h in hosts] == ["127.0.0.1:3633/4", "box:3632/2"]
    d = distcc.Distcc(hosts, "--distcc")
    assert d.slots == 6
    assert d.env()["DISTCC_HOSTS"] == "127.0.0.1:3633/4 box:3632/2"
    assert d.env()["DISTCC_FALLBACK"] == "1"


@pytest.mark.parametrize("text", ["", "bad;host", "h:99999", "h/0", "a,a"])
def test_bad_host_lists_are_one_line_errors(text):
    with pytest.raises(UserError) as err:
        distcc.parse_list(text, "--distcc")
    assert "\n" not in str(err.value) and "--distcc" in str(err.value)


def test_cli_beats_environment_beats_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "refpage-ci").mkdir()
    (tmp_path / "refpage-ci" / "build-hosts").write_text("me@big-box\ndistcc filebox/3,other:4000\n")
    assert distcc.resolve(environ={}).source.endswith("build-hosts:2")
    assert [h.label for h in distcc.resolve(environ={}).hosts] == ["filebox:3632", "other:4000"]
    env = {"DISTCC_HOSTS": "--randomize localhost/2 envbox/5,lzo"}
    assert [h.spec for h in distcc.resolve(environ=env).hosts] == ["envbox:3632/5"]
    assert distcc.resolve("clibox", environ=env).source == "--distcc"
    assert distcc.resolve("clibox", no_distcc=True, environ=env) is None


def test_the_build_hosts_file_keeps_its_hosts_beside_a_distcc_line(tmp_path, monkeypatch):
    from harness.remote import hostspec
    hosts = hostspec.parse_file("me@big-box\ndistcc filebox/3\n", "f")
    assert [h.label for h in hosts] == ["me@big-box"]


def test_a_failing_host_is_named_once():
    watch = distcc.FailureWatch()
    line = "distcc[9603] ERROR: nonblocking connect to 127.0.0.1:3703 failed: Connection refused\n"
    warning = watch.feed(line)
    assert warning == "distcc: host 127.0.0.1:3703 failed (failed: Connection refused); its jobs compile here"
    assert watch.feed(line) is None
    assert watch.feed("distcc[1] (dcc_build_somewhere) Warning: failed to distribute, running locally instead") is None
    assert watch.feed("  CC      mm/refpage.o") is None
    assert list(watch.failed) == ["127.0.0.1:3703"]


@pytest.mark.e2e  # a real distcc against a closed port: 15 s idle, past its 20 s timeout on a busy machine
def test_a_host_nobody_listens_on_is_named_with_why(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path))
    ok, why = distcc.probe(distcc.Host("127.0.0.1", distcc._free_port()), "gcc")
    assert not ok and "Connection refused" in why
