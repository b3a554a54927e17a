"""The selftests as the tree ships them: built with tools/testing/selftests/mm/Makefile, not ours.

`series check` runs this on the selftests commit, so a program that only
builds with the project's Makefile (a missing include, a name clashing with
mm's vm_util.c, which that Makefile links into every test) is caught.
"""

from pathlib import Path

from scripts.series import selftests
from scripts.series.git import run


def build(tree, machine, build_dir, out, src):
    """'ok', or 'failed: <first error line>'; the make output is kept in out/mm-selftests.log."""
    out = Path(out)
    objdir = out / f"mm-selftests-{machine.name}"
    objdir.mkdir(parents=True, exist_ok=True)
    targets = [str(objdir / p) for p in src.programs]
    argv = ["make", "-C", str(Path(tree) / selftests.DEST), f"ARCH={machine.name}", f"CC={machine.compiler()}",
            f"OUTPUT={objdir}", f"KHDR_INCLUDES=-isystem {Path(build_dir) / 'usr' / 'include'}", "-B", *targets]
    res = run(argv)
    log = out / f"mm-selftests-{machine.name}.log"
    log.write_text("$ " + " ".join(argv) + "\n" + res.output)
    if res.ok:
        return "ok"
    errors = [line for line in res.output.splitlines() if "error" in line] or res.output.splitlines()[-1:]
    return f"failed: {errors[0].strip() if errors else 'make exit ' + str(res.returncode)} (log: {log})"
