"""The cover letter: patches/changelog.toml + git's shortlog and diffstat + the base, through jinja2.

Pure: text in, text out. `render()` is what `series export` puts in place of
git's "*** BLURB HERE ***" cover letter body.
"""

import textwrap
import tomllib
from dataclasses import dataclass
from typing import Tuple

import jinja2

from harness.errors import UserError

from .ports import shared_file

TEMPLATE = "cover-letter.j2"
CHANGELOG = "changelog.toml"
FIRST_VERSION = 5  # the changelog runs from the version after v4, the last one posted upstream


@dataclass(frozen=True)
class Change:
    text: str
    fixes: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Version:
    version: int
    changes: Tuple[Change, ...]


@dataclass(frozen=True)
class Facts:
    """What the cover letter of one version says besides the changelog: git's shortlog and diffstat
    of the series, the commit it sits on, and the benchmark tables (refpage-ci bench), if any."""
    version: int
    shortlog: str
    diffstat: str
    base_commit: str
    bench: str = ""


@dataclass(frozen=True)
class Changelog:
    title: str
    summary: str
    versions: Tuple[Version, ...]

    def since_v4(self, version):
        """Versions FIRST_VERSION..version, newest first; UserError when `version` has no entry."""
        known = {v.version for v in self.versions}
        if version < FIRST_VERSION:
            raise UserError(f"--version {version}: the changelog starts after v4; export v{FIRST_VERSION} or later")
        missing = [n for n in range(FIRST_VERSION, version + 1) if n not in known]
        if missing:
            raise UserError(f"{CHANGELOG} has no entry for v{', v'.join(map(str, missing))}; add a "
                            f"[[versions]] entry (what changed, which review findings it fixes) and export again")
        return tuple(sorted((v for v in self.versions if v.version <= version), key=lambda v: -v.version))


def parse_changelog(text, origin=CHANGELOG):
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{origin}: not valid TOML ({exc}); fix the file") from None
    for key in ("title", "summary"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise UserError(f"{origin}: needs a non-empty `{key} = \"...\"`")
    versions = []
    for i, v in enumerate(data.get("versions", []), 1):
        if not isinstance(v.get("version"), int) or not v.get("changes"):
            raise UserError(f"{origin}: [[versions]] entry {i} needs `version = N` and a non-empty `changes` list")
        changes = []
        for c in v["changes"]:
            if isinstance(c, str):
                changes.append(Change(c))
            else:
                changes.append(Change(str(c.get("text", "")).strip(), tuple(c.get("fixes", ()))))
        versions.append(Version(v["version"], tuple(changes)))
    return Changelog(data["title"].strip(), data["summary"].strip("\n"), tuple(versions))


def load_changelog(patches_dir):
    path = shared_file(patches_dir, CHANGELOG)
    if not path.is_file():
        raise UserError(f"{path}: no such file; write the title, summary and [[versions]] of the series there")
    return parse_changelog(path.read_text(), str(path))


def item(change, width=72):
    """One change as a wrapped '- ' bullet, the findings it fixes at its end."""
    text = change.text + (f" (fixes {', '.join(change.fixes)})" if change.fixes else "")
    return textwrap.fill(text, width=width, initial_indent="- ", subsequent_indent="  ",
                         break_long_words=False, break_on_hyphens=False)


def environment(patches_dir):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(shared_file(patches_dir, TEMPLATE).parent)), trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["item"] = item
    return env


def render(patches_dir, changelog, facts):
    """The cover letter's body for the version `facts` (a Facts) are of."""
    path = shared_file(patches_dir, TEMPLATE)
    if not path.is_file():
        raise UserError(f"{path}: no such file; write the cover letter template (jinja2) there")
    template = environment(patches_dir).get_template(TEMPLATE)
    text = template.render(title=changelog.title, summary=changelog.summary, version=facts.version,
                           changelog=changelog.since_v4(facts.version), shortlog=facts.shortlog.rstrip("\n"),
                           diffstat=facts.diffstat.rstrip("\n"), base_commit=facts.base_commit,
                           bench=facts.bench.rstrip("\n"))
    return _squeeze_blank_lines(text)


def subject(changelog, version, count):
    return f"[PATCH v{version} 0/{count}] {changelog.title}"


def _squeeze_blank_lines(text):
    out = []
    for line in text.rstrip().splitlines():
        line = line.rstrip()
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out) + "\n"
