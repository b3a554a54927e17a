"""`refpage-ci completion bash|zsh`: a static script from the argparse definitions (shtab), so completing
costs no Python start-up; arches, config variants, review ids and selftest programs come from the repo."""

import shtab

SHELLS = ("bash", "zsh")
FILES = ("--fragment", "--kcidb", "--json", "--junit", "--test", "--bug-patch", "--bench", "--header")


def words(values):
    return shtab.cmd("echo " + " ".join(sorted(values)))


def _data():
    from harness import config, machine, selftests
    from harness.repro import catalogue
    arches = machine.known_arches()
    variants = {v for arch in arches for v in config.known_variants(machine.load(arch))}
    return {"--arch": arches + [",".join(arches)], "--config": variants, "--only": list(selftests.programs()),
            "ids": catalogue.ids()}


def mark(top):
    """Tell shtab what each value is: the repo's names where argparse has no choices, files, folders."""
    from harness.examples import subparsers
    data = _data()
    for _, sub in subparsers(top):
        for action in sub._actions:
            if action.choices:
                continue
            names = [o for o in action.option_strings if o in data] or ([action.dest] if action.dest == "ids" else [])
            if names:
                action.complete = words(data[names[0]])
            elif set(action.option_strings) & set(FILES):
                action.complete = shtab.FILE
            elif "--tree" in action.option_strings or "--out" in action.option_strings:
                action.complete = shtab.DIRECTORY


def add_parser(sub, top):
    p = sub.add_parser("completion", help="print a shell completion script (bash or zsh)",
                       description="A completion script for your shell, made from this command line's own "
                                   "definitions; install it once (see the examples).")
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(func=lambda args: print(script(top, args.shell), end=""))


def script(top, shell):
    mark(top)
    return shtab.complete(top, shell)
