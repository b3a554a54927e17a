"""Debian version order, as `dpkg --compare-versions` has it."""

import pytest

from harness import debversion


@pytest.mark.parametrize("lower,higher", [
    ("7.3~rc7-1~exp1", "7.3-1"),
    ("7.3~rc6-1~exp1", "7.3~rc7-1~exp1"),
    ("7.3~rc7-1~exp1", "7.3~rc7-1"),
    ("6.1.170-3", "6.1.176-1"),
    ("6.1.99-1", "6.1.176-1"),
    ("6.12.117-1~deb12u1", "6.12.117-1"),
    ("9.9-1", "1:0.1-1"),
    ("1.0", "1.0a"),
    ("1.0", "1.0.1"),
    ("1.0a", "1.0+b1"),
    ("1.0~~", "1.0~"),
    ("1.0-1", "1.0-1.1"),
])
def test_order(lower, higher):
    assert debversion.compare(lower, higher) < 0 < debversion.compare(higher, lower)


@pytest.mark.parametrize("a,b", [("1.0", "1.0-0"), ("0:1.0-1", "1.0-1"), ("1.01", "1.1")])
def test_equal(a, b):
    assert debversion.compare(a, b) == 0


def test_split():
    assert debversion.split("1:7.3~rc7-1~exp1") == (1, "7.3~rc7", "1~exp1")
    assert debversion.split("6.12.117") == (0, "6.12.117", "")
    assert debversion.split("2.0-beta-3") == (0, "2.0-beta", "3")


def test_sorting_with_the_key():
    versions = ["7.3-1", "7.3~rc7-1~exp1", "7.2.13-1", "7.3~rc7-1"]
    assert sorted(versions, key=debversion.key) == ["7.2.13-1", "7.3~rc7-1~exp1", "7.3~rc7-1", "7.3-1"]
