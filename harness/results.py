"""From console results to test results: TAP per program, the exit status, the console itself."""

from . import report, tap
from .tap import Status, TestResult

CONSOLE = "console: no kernel splat"


AUTO = "auto"  # TAP when the program prints it, else its exit status alone (a user's own test)


def _program_result(res, parse):
    root = tap.parse_tap(res.output, res.name) if parse else None
    if root is None or (parse == AUTO and _without_tap(root)):
        root = TestResult(res.name, Status.PASS, log=list(res.output))
    status = None if (res.timed_out or res.guest_died) else res.status
    return tap.combine_exit_status(root, status)


def _without_tap(root):
    return root.status is Status.ERROR and root.reason == tap.NO_OUTPUT and not root.subtests


def _console_result(outcome):
    if not outcome.splats:
        return TestResult(CONSOLE, Status.PASS)
    first = outcome.splats[0]
    reason = f"{len(outcome.splats)} splat(s); first: {first.kind}: {first.line.strip()[:120]}"
    return TestResult(CONSOLE, Status.FAIL, reason=reason, log=[s.line for s in outcome.splats])


def collect(arch, outcome, parse_tap=True):
    """{arch: [one root per program, then the console's own result]}; parse_tap: True, False or AUTO."""
    roots = [_program_result(r, parse_tap) for r in outcome.results]
    if outcome.error:
        roots.append(TestResult("boot", Status.ERROR, reason=outcome.error))
    roots.append(_console_result(outcome))
    return {arch: roots}


def passed(collected, outcome):
    return report.all_ok(collected) and not outcome.splats and not outcome.error


def summary(collected, outcome):
    return report.summary_text(collected)


def write(collected, outcome, out_dir, junit=None, json_path=None):
    report.write_json(collected, out_dir / "results.json")
    report.write_junit(collected, out_dir / "junit.xml")
    report.write_summary(collected, out_dir / "summary.txt")
    if junit:
        report.write_junit(collected, junit)
    if json_path:
        report.write_json(collected, json_path)
