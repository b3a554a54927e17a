"""What the series needs from a patch file: its subject, author and sign-off."""

import email.errors
import email.header
import re
from dataclasses import dataclass

_PREFIX_RE = re.compile(r"^\s*(\[[^\]]*\]\s*)+")
_SOB_RE = re.compile(r"^Signed-off-by:\s*(.+?)\s*$", re.M)


@dataclass(frozen=True)
class PatchInfo:
    subject: str
    author: str  # "Name <email>", or "" when the file has no From: header
    signoffs: tuple


def _headers(text):
    """The first header block (folded lines joined), as a dict of lower-case names."""
    headers, last = {}, None
    for line in text.splitlines():
        if line.startswith("From ") and not headers:
            continue  # the mbox separator
        if not line.strip():
            if headers:
                break
            continue
        if line[0] in " \t" and last:
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            break
        last = name.strip().lower()
        headers.setdefault(last, value.strip())
    return headers


def _decode(value):
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (UnicodeDecodeError, LookupError, email.errors.HeaderParseError):
        return value


def strip_prefix(subject):
    """'[PATCH v5 2/4] mm: x' -> 'mm: x'."""
    return _PREFIX_RE.sub("", subject).strip()


def parse(text):
    headers = _headers(text)
    subject = strip_prefix(_decode(headers.get("subject", "")))
    author = _decode(headers.get("from", ""))
    diff_at = text.find("\n---\n")
    message = text if diff_at < 0 else text[:diff_at]
    return PatchInfo(subject, author, tuple(_SOB_RE.findall(message)))
