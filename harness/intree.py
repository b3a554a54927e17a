"""The selftests as the tree ships them: built with tools/testing/selftests/mm/Makefile, not ours.

`series check` runs this on the selftests commit, so a program that only
builds with the project's Makefile (a missing include, a name clashing with
mm's vm_util.c, which that Makefile links into every test) is caught.
"""

from pathlib import Path

from scripts.series import selftests

from . import process


def build(tree, machine, build_dir, out, src):
    """'ok', or 'failed: <first error line>'; the make output is kept in out/mm-selftests.log."""
    out = Path(out)
    objdir = out / f"mm-selftests-{machine.name}"
    objdir.mkdir(parents=True, exist_ok=True)
    targets = [str(objdir / p) for p in src.programs]
    argv = ["make", "-C", str(Path(tree) / selftests.DEST), f"ARCH={machine.name}", f"CC={machine.compiler()}",
            f"OUTPUT={objdir}", f"KHDR_INCLUDES=-isystem {Path(build_dir) / 'usr' / 'include'}", "-B", *targets]
    log = out / f"mm-selftests-{machine.name}.log"
    log.unlink(missing_ok=True)
    returncode = process.run_logged(argv, log)
    if returncode == 0:
        return "ok"
    first = process.tail(log, lambda line: "error" in line and not line.startswith("$ "), lines=1).splitlines()
    return f"failed: {first[0].strip() if first else 'make exit ' + str(returncode)} (log: {log})"
