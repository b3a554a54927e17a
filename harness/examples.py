"""Each command's examples, shown as its --help epilog; the top level shows each command's first.

Every example is parsed by a unit test, so none goes stale.
"""

import argparse
import textwrap

PURPOSE = ("Builds, boots and tests the refpage_create kernel series in QEMU (arm64 MTE, x86_64); "
           "applies, exports and checks it, puts review bugs back, benchmarks.")

EXAMPLES = {
    "boot": [("refpage-ci boot --arch arm64", "the series on Debian's 6.12: build, boot, every selftest"),
             ("refpage-ci boot --arch x86_64 --tree debian:7.3 --kcidb out/kcidb.json",
              "the newest base, the results also as KCIDB data"),
             ("refpage-ci boot --arch arm64 --only refpage_rt -t rt_thp", "one test, for an edit cycle")],
    "run": [("refpage-ci run --arch arm64 -- cat /proc/meminfo", "one command; its exit status is ours"),
            ("refpage-ci run --arch x86_64 --test repro.c", "a reproducer of yours, built against this kernel")],
    "shell": [("refpage-ci shell --arch arm64", "the same guest, interactive (Ctrl-A x quits)"),
              ("refpage-ci shell --arch x86_64 --config debug", "with KASAN and lockdep")],
    "config": [("refpage-ci config --arch arm64", "the .config a boot would build, and its path"),
               ("refpage-ci config --arch x86_64 --config debug --tree debian:7.3", "a variant, on the newest base")],
    "build": [("refpage-ci build --arch arm64", "configure and build; print the image's path"),
              ("refpage-ci build --arch arm64,x86_64 --build-host me@big-box", "both arches on a build host")],
    "doctor": [("refpage-ci doctor", "what is missing, and the command that installs it"),
               ("refpage-ci doctor --arch arm64 --build-host me@big-box", "and what a build host lacks")],
    "syscalls": [("refpage-ci syscalls render", "refpage_create's entries for every table of debian:6.12"),
                 ("refpage-ci syscalls render --tree ~/linux-next --check", "are they in that tree already?")],
    "syscalls render": [("refpage-ci syscalls render --tree debian:7.3", "the entries, numbered for that tree"),
                        ("refpage-ci syscalls render --apply --prove", "write them and check the number on every "
                                                                       "arch")],
    "series": [("refpage-ci series apply --tree ~/linux", "a branch from HEAD with the series"),
               ("refpage-ci series export --version 5 --out out/v5", "format-patch and the cover letter")],
    "series apply": [("refpage-ci series apply --tree ~/linux", "a branch from HEAD with the series"),
                     ("refpage-ci series apply --tree ~/linux-next --port 7.3 --branch refpage-v5",
                      "that port, on a branch of that name")],
    "series export": [("refpage-ci series export --version 5 --out out/v5",
                       "v5: patches, cover letter, base-commit:"),
                      ("refpage-ci series export --version 5 --bench out/bench-arm64/bench.json",
                       "with the benchmark's tables in the cover letter")],
    "series refresh": [("refpage-ci series refresh --tree ~/linux", "the applied branch back into patches/"),
                       ("refpage-ci series refresh --tree ~/linux --branch refpage-v5", "from that branch")],
    "series check": [("refpage-ci series check", "checkpatch --strict and a build of every commit"),
                     ("refpage-ci series check --tree debian:7.3 --arch arm64", "on the newest base, one arch")],
    "repro": [("refpage-ci repro RT-thp --arch arm64", "put the THP bug back, show it, then show it fixed"),
              ("refpage-ci repro --all --arch arm64 --kcidb out/repro.kcidb.json",
               "every review id, a table, and KCIDB data"),
              ("refpage-ci repro RT-uffd --arch x86_64 --bug-patch my.patch", "your own bug patch")],
    "bench": [("refpage-ci bench --arch x86_64 --iterations 200", "the v4 table (and its chart) sooner"),
              ("refpage-ci bench --arch arm64 --json out/bench.json", "the full run, kept for series export"),
              ("refpage-ci bench --tool --steps warm", "the tool's own warm edit cycle")],
    "regress": [("refpage-ci regress --arch arm64", "the tree's mm selftests on the base and on the series"),
                ("refpage-ci regress --arch x86_64 --tree debian:7.3 --junit out/regress.xml",
                 "the newest base, the comparison also as JUnit"),
                ("refpage-ci regress --arch arm64 --only cow --bug-patch my.patch", "does it catch this bug?")],
    "parse": [("refpage-ci parse out/boot-arm64/console.log", "judge a saved boot again, results beside it"),
              ("refpage-ci parse out/boot-arm64/console.log --out /tmp/again", "elsewhere, to compare")],
    "tree": [("refpage-ci tree list", "the Debian base trees there are, and which are cached"),
             ("refpage-ci tree fetch debian:7.3", "cache one now")],
    "tree list": [("refpage-ci tree list", "the base trees and which are cached"),
                  ("refpage-ci tree list --refresh", "read the package lists again first")],
    "tree fetch": [("refpage-ci tree fetch debian:7.3", "download and unpack it once"),
                   ("refpage-ci tree fetch debian:6.12 debian:6.1", "several")],
    "completion": [("refpage-ci completion bash > /etc/bash_completion.d/refpage-ci", "bash, for everyone"),
                   ("refpage-ci completion zsh > ~/.zfunc/_refpage-ci", "zsh (~/.zfunc in your fpath)")],
}


class Formatter(argparse.HelpFormatter):
    """argparse's wrapping, except for indented lines (the examples), kept as written."""

    def _fill_text(self, text, width, indent):
        paragraphs = []
        for block in text.split("\n\n"):
            if all(line.startswith("  ") or line.endswith(":") for line in block.splitlines()):
                paragraphs.append(textwrap.indent(block, indent))
            else:
                paragraphs.append(super()._fill_text(block, width, indent))
        return "\n\n".join(paragraphs)


def epilog(examples):
    return "examples:\n" + "\n".join(f"  # {what}\n  {cmd}" for cmd, what in examples)


def overview(commands):
    """The top level's epilog: each command with its first example."""
    width = max(len(name) for name in commands)
    return "commands, one example each:\n" + "\n".join(
        f"  {name:<{width}}  {EXAMPLES[name][0][0]}" for name in commands if name in EXAMPLES)


def subparsers(parser, path=()):
    """(command path, parser) of every subcommand, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield path + (name,), sub
                yield from subparsers(sub, path + (name,))


def attach(top):
    for path, sub in subparsers(top):
        sub.formatter_class = Formatter
        if " ".join(path) in EXAMPLES:
            sub.epilog = epilog(EXAMPLES[" ".join(path)])
    top.formatter_class = Formatter
    top.epilog = overview([path[0] for path, _ in subparsers(top) if len(path) == 1])
