"""`refpage-ci parse LOG`: a saved console transcript judged again, offline, as the run judged it."""

import sys
from pathlib import Path

from . import results, transcript
from .errors import UserError


def register(subparsers):
    p = subparsers.add_parser(
        "parse", help="read a saved console.log again: results.json, junit.xml and the summary",
        description="Judge a boot's saved transcript again, without QEMU: its commands' output is cut "
                    "out of console.log by the markers recorded in console.json beside it, and the "
                    "results, JUnit XML and summary are written as the boot wrote them.")
    p.add_argument("log", help="a boot's console.log, e.g. out/boot-arm64/console.log")
    p.add_argument("--record", help=f"its {transcript.RECORD} (default: beside the log)")
    p.add_argument("--out", help="folder for results.json, junit.xml and summary.txt (default: the log's)")
    p.add_argument("--junit", help="also write JUnit XML here")
    p.add_argument("--json", help="also write the results as JSON here")
    p.set_defaults(func=parse_command)


def parse_command(args):
    log = Path(args.log)
    if not log.is_file():
        raise UserError(f"{log}: no such file; pass a boot's console.log (out/boot-<arch>/console.log)")
    saved = transcript.load(args.record or log.with_name(transcript.RECORD))
    outcome = transcript.outcome(log.read_bytes(), saved)
    collected = results.collect(saved.arch, outcome, saved.parse_tap)
    out = Path(args.out or log.parent)
    out.mkdir(parents=True, exist_ok=True)
    results.write(collected, outcome, out, args.junit, args.json)
    print(results.summary(collected, outcome))
    print(f"parse: {len(saved.sent)} commands of {log}; results in {out}", file=sys.stderr)
    return 0 if results.passed(collected, outcome) else 1
