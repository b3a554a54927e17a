"""Each Kconfig construct newer than kconfiglib 14.1: plain kconfiglib fails on it, the layer reads it
with the kernel's meaning (scripts/kconfig of 7.3)."""

import dataclasses
from pathlib import Path

import kconfiglib
import pytest

from harness import config, kconfig_compat, machine as machines

DATA = Path(__file__).parent.parent / "data" / "kconfig"


def read(tree, **values):
    k = kconfig_compat.CompatKconfig(str(DATA / tree / "Kconfig"), warn=False)
    for name, value in values.items():
        k.syms[name].set_value(value)
    return k


def req(name, value):
    return config.Request(name, value, "frag:1")


def dep(k, name):
    return kconfiglib.TRI_TO_STR[kconfiglib.expr_value(k.syms[name].direct_dep)]


def test_transitional_is_rejected_without_the_compat_layer():
    with pytest.raises(kconfiglib.KconfigError, match=r"Kconfig:9: .*'transitional'"):
        kconfiglib.Kconfig(str(DATA / "transitional" / "Kconfig"), warn=False)


def test_transitional_parses_and_is_remembered():
    k = read("transitional")
    assert k.transitional == {"CFI_CLANG"}
    assert k.syms["CFI_CLANG"].orig_type == kconfiglib.BOOL
    assert k.syms["AFTER"].nodes[0].linenr == 13


def test_transitional_names_belong_to_the_entry_above():
    text = "config A\n\tbool\n\ttransitional\nmenuconfig B\n\tbool \"b\"\n\thelp\n\t  not transitional\n"
    assert kconfig_compat.transitional_names(text) == ["A"]


def test_a_request_for_a_transitional_symbol_names_its_heir():
    k = read("transitional")
    assert config.validate(k, [req("CFI_CLANG", "y"), req("CFI_CLANG", "n")]) == [
        "CONFIG_CFI_CLANG=y (frag:1): transitional in this tree (it only carries an old .config's value over "
        "to CONFIG_CFI, and is never written to .config): request CONFIG_CFI instead"]
    assert config.explain(k, req("CFI_CLANG", "y")).startswith(
        "CONFIG_CFI_CLANG=y (frag:1) not set (is n): transitional in this tree")


def test_conditional_dependency_is_rejected_without_the_compat_layer():
    with pytest.raises(kconfiglib.KconfigError, match=r"Kconfig:17: .*extra tokens"):
        kconfiglib.Kconfig(str(DATA / "conditional_dep" / "Kconfig"), warn=False)


@pytest.mark.parametrize("usb, gadget, want", [
    ("y", "n", "y"), ("n", "y", "y"), ("n", "n", "n"), ("m", "y", "y"), ("m", "n", "m")])
def test_depends_on_x_if_y_holds_x_only_when_y_is_set(usb, gadget, want):
    assert dep(read("conditional_dep", USB=usb, GADGET=gadget), "DUAL_ROLE") == want


def test_a_modular_condition_still_requires_the_dependency():
    # `!GADGET` would be m here; the kernel's (GADGET = n) is n, so GLUE cannot be set at all.
    assert dep(read("conditional_dep", USB="n", GADGET="m"), "GLUE") == "n"
    assert dep(read("conditional_dep", USB="n", GADGET="n"), "GLUE") == "y"


@pytest.mark.parametrize("usb, gadget, want", [("n", "n", "y"), ("y", "n", "n"), ("y", "y", "y")])
def test_compound_condition(usb, gadget, want):
    assert dep(read("conditional_dep", USB=usb, GADGET=gadget), "BOTH") == want


def test_explain_names_the_conditional_dependency():
    k = read("conditional_dep", USB="n", GADGET="m")
    assert config.explain(k, req("GLUE", "y")) == (
        "CONFIG_GLUE=y (frag:1) not set (is n): depends on USB (=n) || GADGET (=m) = n")


def test_if_n_follows_expr_trans_compare():
    a, b, n = object(), object(), object()
    assert kconfig_compat.if_n((kconfiglib.NOT, a), n) == (kconfiglib.UNEQUAL, a, n)
    assert kconfig_compat.if_n((kconfiglib.AND, a, b), n) == (
        kconfiglib.OR, (kconfiglib.EQUAL, a, n), (kconfiglib.EQUAL, b, n))
    relation = (kconfiglib.EQUAL, a, b)
    assert kconfig_compat.if_n(relation, n) == (kconfiglib.NOT, relation)
    assert kconfig_compat.if_n((kconfiglib.NOT, relation), n) == relation


def test_um_sources_the_host_arch_kconfig():
    x86 = machines.load("x86_64")
    with pytest.raises(kconfiglib.KconfigError):
        kconfig_compat.load(x86, DATA / "um", "7.3.0")
    um = dataclasses.replace(x86, name="um", kernel_arch="um", srcarch="um")
    assert "UML_X86" in kconfig_compat.load(um, DATA / "um", "7.3.0").syms


def test_pahole_version_is_always_a_number(tmp_path):
    env = kconfig_compat.kconfig_env(machines.load("x86_64"), tmp_path, "7.3.0")
    assert env["PAHOLE_VERSION"].isdigit()


def test_rewrites_keep_every_line_where_it_was():
    text = "config MODULES\n\tbool\n\tmodules\n\nconfig OLD\n\tbool\n\ttransitional  \n\nconfig X\n"
    out = kconfig_compat.rewrite(text)
    assert out.count("\n") == text.count("\n")
    assert out.splitlines()[8] == "config X"


def test_plain_kconfiglib_reads_an_unset_int_as_empty():
    k = kconfiglib.Kconfig(str(DATA / "int_zero" / "Kconfig"), warn=False)
    assert k.syms["FORCE_MAX_ORDER"].str_value == ""
    assert k.syms["BLOCK_ORDER"].str_value == "1"


def test_an_unset_int_is_0_and_an_unset_hex_0x0():
    k = read("int_zero")
    assert (k.syms["FORCE_MAX_ORDER"].str_value, k.syms["BASE"].str_value) == ("0", "0x0")
    assert k.syms["BLOCK_ORDER"].str_value == "10"


def test_explain_keeps_each_conditional_dependency_apart():
    k = read("conditional_dep", USB="n", GADGET="n")
    assert config.explain(k, req("DUAL_ROLE", "y")) == (
        "CONFIG_DUAL_ROLE=y (frag:1) not set (is n): depends on (USB (=n) || GADGET (=n)) && "
        "(USB (=n) || GADGET (=n) != n) && (GADGET (=n) || USB (=n) != n)")
