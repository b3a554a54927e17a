"""Debian version numbers ordered as dpkg orders them ([epoch:]upstream[-revision], `~` before all)."""

import functools

_DIGITS = "0123456789"


def _order(text, i):
    """dpkg's weight of the character at i: `~` first, then the end and digits, letters, the rest."""
    if i >= len(text) or text[i] in _DIGITS:
        return 0
    c = text[i]
    if c == "~":
        return -1
    if c.isascii() and c.isalpha():
        return ord(c)
    return ord(c) + 256


def _number(text, i):
    j = i
    while j < len(text) and text[j] in _DIGITS:
        j += 1
    return int(text[i:j] or 0), j


def _compare_part(a, b):
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and a[i] not in _DIGITS) or (j < len(b) and b[j] not in _DIGITS):
            diff = _order(a, i) - _order(b, j)
            if diff:
                return diff
            i, j = i + 1, j + 1
        (x, i), (y, j) = _number(a, i), _number(b, j)
        if x != y:
            return x - y
    return 0


def split(version):
    """(epoch, upstream, revision) of a Debian version."""
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(epoch or 0), upstream, revision


def compare(a, b):
    """Negative, zero or positive as a sorts before, with or after b."""
    (ea, ua, ra), (eb, ub, rb) = split(a), split(b)
    if ea != eb:
        return ea - eb
    return _compare_part(ua, ub) or _compare_part(ra, rb)


key = functools.cmp_to_key(compare)
