from pathlib import Path

import kconfiglib
import pytest

from harness import config, kconfig_compat
from harness.errors import UserError

TREE = Path(__file__).parent.parent / "data" / "kconfig"


@pytest.fixture
def kconf(tmp_path):
    def load(dotconfig_text):
        dotconfig = tmp_path / ".config"
        dotconfig.write_text(dotconfig_text)
        k = kconfig_compat.CompatKconfig(str(TREE / "Kconfig"), warn=False)
        k.load_config(str(dotconfig), replace=True, verbose=False)
        return k
    return load


def req(name, value):
    return config.Request(name, value, "frag:1")


def test_bare_modules_is_rejected_without_the_compat_layer():
    with pytest.raises(kconfiglib.KconfigError):
        kconfiglib.Kconfig(str(TREE / "Kconfig"), warn=False)


def test_bare_modules_parses_with_the_compat_layer():
    k = kconfig_compat.CompatKconfig(str(TREE / "Kconfig"), warn=False)
    assert k.modules.name == "MODULES"
    assert "MTE" in k.syms


def test_rewrite_only_touches_bare_modules_lines():
    text = "config MODULES\n\tbool\n\tmodules\nconfig X\n\thelp\n\t  modules are fun\n"
    out = kconfig_compat.rewrite(text)
    assert "\toption modules\n" in out
    assert "modules are fun" in out


def test_parse_fragment_reads_set_unset_and_strings():
    got = config.parse_fragment('CONFIG_A=y\n# CONFIG_B is not set\n\n# comment\nCONFIG_S="x y"\nCONFIG_N=64\n', "f")
    assert [(r.name, r.value, r.where) for r in got] == [
        ("A", "y", "f:1"), ("B", "n", "f:2"), ("S", "x y", "f:5"), ("N", "64", "f:6")]


def test_parse_fragment_rejects_garbage_with_file_and_line():
    with pytest.raises(UserError, match=r"f:2: not a config line"):
        config.parse_fragment("CONFIG_A=y\nA=y\n", "f")


def test_merge_later_fragment_wins():
    merged = config.merge([req("A", "y"), req("B", "y"), config.Request("A", "n", "other:3")])
    assert {(r.name, r.value, r.where) for r in merged} == {("A", "n", "other:3"), ("B", "y", "frag:1")}


def test_mismatches_treat_absent_as_n():
    actual = config.parse_dotconfig("CONFIG_A=y\n# CONFIG_B is not set\n")
    bad = config.mismatches([req("A", "y"), req("B", "n"), req("C", "n"), req("D", "y")], actual)
    assert [r.name for r in bad] == ["D"]


def test_config_hash_changes_with_requests():
    class M:
        name = "arm64"
    a = config.config_hash(M, [req("A", "y")])
    assert a == config.config_hash(M, [req("A", "y")])
    assert a != config.config_hash(M, [req("A", "n")])


def test_explain_names_only_the_unmet_dependency(kconf):
    k = kconf("CONFIG_PAN=y\n# CONFIG_TAGGED_ABI is not set\n")
    line = config.explain(k, req("MTE", "y"))
    assert line == "CONFIG_MTE=y (frag:1) not set (is n): depends on TAGGED_ABI (=n)"


def test_explain_unknown_symbol(kconf):
    assert config.explain(kconf(""), req("NOPE", "y")).endswith("no such symbol in this tree")


def test_explain_selected_symbol_cannot_be_unset(kconf):
    line = config.explain(kconf("CONFIG_SELECTOR=y\n"), req("HIDDEN", "n"))
    assert "selected by SELECTOR (=y)" in line


def test_explain_choice(kconf):
    line = config.explain(kconf("CONFIG_PAGES_4K=y\n"), req("PAGES_64K", "y"))
    assert "its choice picked PAGES_4K" in line


def test_explain_promptless_symbol(kconf):
    assert "no prompt" in config.explain(kconf(""), req("HIDDEN", "y"))


def test_validate_flags_unknown_and_bad_values(kconf):
    problems = config.validate(kconf(""), [req("NOPE", "y"), req("PAN", "m"), req("MTE", "y")])
    assert problems == ["CONFIG_NOPE (frag:1): no such symbol in this tree",
                        "CONFIG_PAN=m (frag:1): a bool takes y or n"]


def test_fragment_line_round_trip():
    reqs = [req("A", "y"), req("B", "n"), req("S", "a b"), req("N", "0x10")]
    text = "".join(config._line(r) for r in reqs)
    assert [(r.name, r.value) for r in config.parse_fragment(text, "x")] == [(r.name, r.value) for r in reqs]


def test_an_optional_request_is_marked_and_keeps_its_value():
    from harness import config as cfg
    (req,) = cfg.parse_fragment("CONFIG_ARM64_PAN=y  # optional: 7.x has PAN always\n", "f")
    assert (req.name, req.value, req.optional) == ("ARM64_PAN", "y", True)
    (plain,) = cfg.parse_fragment("CONFIG_X=y\n", "f")
    assert not plain.optional


def test_an_optional_request_the_tree_lacks_is_dropped_and_said():
    from harness import config as cfg

    class Sym:
        nodes = [object()]

    class Kconf:
        syms = {"HAVE": Sym()}

    said = []
    reqs = cfg.parse_fragment("CONFIG_HAVE=y  # optional\nCONFIG_GONE=y  # optional\nCONFIG_MUST=y\n", "f")
    kept = cfg.applicable(Kconf, reqs, said.append)
    assert [r.name for r in kept] == ["HAVE", "MUST"]
    assert said == ["config: CONFIG_GONE (f:2, optional) is not in this tree; not requested"]


def test_variants_are_the_arch_own_and_the_shared_ones():
    from harness import machine, paths
    arm64, x86 = machine.load("arm64"), machine.load("x86_64")
    assert config.known_variants(arm64) == ["16k", "64k", "debug"]
    assert config.known_variants(x86) == ["debug"]
    assert config.fragment_files(x86, "debug")[-1] == paths.QEMU_IMAGES / "debug.config"
    assert config.fragment_files(arm64, "64k")[-1] == arm64.folder / "64k.config"
    with pytest.raises(UserError, match="known variants: debug"):
        config.fragment_files(x86, "64k")


def test_the_debug_variant_asks_for_kasan_and_the_default_for_swap():
    from harness import machine
    wanted = {"CONFIG_" + r.name if not r.name.startswith("CONFIG_") else r.name: r.value for r in config.load_requests(config.fragment_files(machine.load("x86_64"), "debug"))}
    assert wanted["CONFIG_KASAN"] == "y" and wanted["CONFIG_PROVE_LOCKING"] == "y"
    assert wanted["CONFIG_DEBUG_VM_PGFLAGS"] == "y" and wanted["CONFIG_ZRAM"] == "y"
