"""`series export`: `git format-patch` with the cover letter from the template, for `git send-email`."""

from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

from harness.errors import StageFailed

from . import cover
from .branch import resolve

MARK_SUBJECT = "*** SUBJECT HERE ***"


@dataclass(frozen=True)
class Posting:
    """One version of the series as it is exported: its number, the folder its files are written
    to, and the `refpage-ci bench --json` reports whose tables its cover letter shows."""
    version: int
    out: Path
    bench: Tuple[Path, ...] = ()


def replace_cover(generated, title, body):
    """git's cover letter with its subject and body replaced (headers and signature kept)."""
    head, sep, rest = generated.partition("\n\n")
    if not sep or MARK_SUBJECT not in head:
        raise StageFailed("export: git format-patch wrote a cover letter without its *** SUBJECT HERE *** "
                          "placeholder", generated[:400])
    signature = ""
    at = rest.rfind("\n-- \n")
    if at >= 0:
        signature = rest[at + 1:]
    return head.replace(MARK_SUBJECT, title) + "\n\n" + body + ("\n" + signature if signature else "")


def bench_tables(reports, tip, progress=print):
    """The tables of `refpage-ci bench --json` reports, for the cover letter."""
    from scripts.bench import report, table
    texts = []
    for path in reports:
        data = report.load(path)
        if data.get("commit") and data["commit"] != tip:
            progress(f"export: note: {path} measured {data['commit'][:12]}, the series tip is {tip[:12]}")
        texts.append(table.render(data))
    return "\n".join(texts)


def export(git, route, posting, base=None, progress=print):
    """`route`'s branch (above `base`, default the recorded one) as the patch files and cover letter
    of `posting`; (cover letter, patches, mbox, the Range exported)."""
    patches_dir, version = route.patches_dir, posting.version
    rng = resolve(git, route.branch, base)
    changelog = cover.load_changelog(patches_dir)
    changelog.since_v4(version)  # fail before writing anything
    tables = bench_tables(posting.bench, rng.tip, progress)
    out = Path(posting.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    stale = sorted(out.glob(f"v{version}-*.patch"))
    for old in stale:
        old.unlink()
    # threaded (Message-ID, In-Reply-To) as b4 and lore expect of a series
    files = git.must("format-patch", "--cover-letter", "--thread=shallow", f"--base={rng.base}",
                     f"-v{version}", "-o", str(out), f"{rng.base}..{rng.tip}").split()
    files = [Path(f) if Path(f).is_absolute() else git.tree / f for f in files]
    letter, patches = files[0], files[1:]
    shortlog = git.must("shortlog", f"{rng.base}..{rng.tip}")
    diffstat = git.must("diff", "--stat=72", "--summary", rng.base, rng.tip)
    body = cover.render(patches_dir, changelog, cover.Facts(version, shortlog, diffstat, rng.base, tables))
    letter.write_text(replace_cover(letter.read_text(), changelog.title, body))
    mbox = out / f"v{version}-series.mbox"
    mbox.write_text("".join(p.read_text() for p in patches))
    progress(f"export: v{version}, {len(patches)} patches + cover letter in {out}")
    progress(f"export: base-commit: {rng.base}")
    progress(f"export: send with: git send-email --no-thread {out}/v{version}-*.patch (threaded already)   "
             f"(or apply: git am {mbox})")
    return letter, patches, mbox, rng
