"""Base against series, row by row: each program and each of its TAP subtests, and a verdict."""

from dataclasses import dataclass, field, replace

from harness.tap import Status

PASS, FAIL, SKIP, XFAIL, ERROR = "PASS", "FAIL", "SKIP", "XFAIL", "ERROR"
TIMEOUT, CRASH, NOT_RUN = "TIMEOUT", "CRASH", "not run"
GOOD = (PASS, XFAIL)
BAD = (FAIL, ERROR, TIMEOUT, CRASH, NOT_RUN)

OK, REGRESSION, ALREADY_FAILING, NEW_PASS, SKIPPED = "ok", "REGRESSION", "already failing", "new pass", "skipped"
FLAKY = "flaky"  # failed once on the series, passed every run again: shown with its failure, not a regression

_PLACEHOLDER = "missing: planned"  # the TAP parser's stand-in for a planned test never printed
_SIGNALS = {134: "SIGABRT", 135: "SIGBUS", 136: "SIGFPE", 137: "SIGKILL", 139: "SIGSEGV"}


@dataclass(frozen=True)
class Side:
    """One program's outcome on one kernel: its state, why, its TAP subtests."""
    state: str
    reason: str = ""
    subtests: tuple = ()          # ((number, name), state, reason)
    output: tuple = ()            # the program's own lines and the kernel's, for the console excerpt


@dataclass(frozen=True)
class Row:
    program: str
    test: str                     # "" for the program's own row
    base: str
    series: str
    verdict: str
    base_reason: str = ""
    series_reason: str = ""

    @property
    def name(self):
        return f"{self.program}: {self.test}" if self.test else self.program


@dataclass
class Comparison:
    rows: list = field(default_factory=list)
    not_run: dict = field(default_factory=dict)      # program -> why it is not in the table

    def by_verdict(self, verdict):
        return [r for r in self.rows if r.verdict == verdict]

    @property
    def regressions(self):
        return self.by_verdict(REGRESSION)

    def regressed_programs(self):
        return list(dict.fromkeys(r.program for r in self.regressions))


def verdict(base, series):
    if series in BAD:
        return ALREADY_FAILING if base in BAD else REGRESSION
    if series == SKIP:
        return REGRESSION if base in GOOD else SKIPPED
    return NEW_PASS if base in BAD else OK


def side(result, timeout):
    """A Side from a console CommandResult and its program's TAP root (harness.tap.TestResult)."""
    res, root = result
    if res is None:
        return Side(NOT_RUN, "not run: the guest did not get to it")
    output = tuple(res.output) + tuple(res.kernel)
    subtests = tuple(((t.number, t.name), _state(t.status), t.reason or _last_words(t.log).lstrip(": "))
                     for t in root.subtests if not t.reason.startswith(_PLACEHOLDER))
    if res.timed_out or res.guest_died or res.status is None:
        return Side(CRASH if res.guest_died else TIMEOUT, "the guest died" if res.guest_died else
                    "the console timed out", subtests, output)
    if res.status == 137 and res.seconds >= timeout - 1:
        return Side(TIMEOUT, f"still running after its {timeout}s time box; killed", subtests, output)
    if res.status in _SIGNALS or res.status > 128:
        return Side(CRASH, f"killed by {_SIGNALS.get(res.status, f'signal {res.status - 128}')}"
                    + _last_words(res.output), subtests, output)
    return Side(_state(root.status), root.reason or _last_words(res.output).lstrip(": "), subtests, output)


def _state(status):
    return {Status.PASS: PASS, Status.FAIL: FAIL, Status.SKIP: SKIP, Status.XFAIL: XFAIL}.get(status, ERROR)


def _last_words(lines):
    said = [line.strip() for line in lines if line.strip()]
    return f": {said[-1][:160]}" if said else ""


def compare_program(label, base, series):
    """The program's row, then one per subtest of either side (TAP number and name)."""
    rows = [Row(label, "", base.state, series.state, verdict(base.state, series.state), base.reason, series.reason)]
    left = {_key(k): (k, state, why) for k, state, why in base.subtests}
    right = {_key(k): (k, state, why) for k, state, why in series.subtests}
    for key in dict.fromkeys(list(left) + list(right)):
        number, name = (left.get(key) or right[key])[0]
        b, b_why = left[key][1:] if key in left else (NOT_RUN, "")
        s, s_why = right[key][1:] if key in right else (NOT_RUN, "")
        judged = verdict(b, s)
        if judged == REGRESSION and s == NOT_RUN and _stopped_alike(base, series):
            judged, s_why = ALREADY_FAILING, f"not reached: the program stopped earlier, as on the base ({series.reason})"
        rows.append(Row(label, f"{number} {name}" if number is not None else name, b, s, judged, b_why, s_why))
    return rows


def _stopped_alike(base, series):
    """Both runs of the program failed for the same stated reason (khugepaged's 'Bail out! Failed to allocate
    huge page' comes sooner or later with the guest's fragmentation): a subtest the series' run did not
    reach is that failure's, not the series'. A different reason keeps it a regression."""
    return base.state in BAD and series.state in BAD and bool(series.reason) and base.reason == series.reason


def _key(number_and_name):
    """The same binary numbers its tests the same way on both kernels; the name can repeat."""
    number, name = number_and_name
    return number if number is not None else name


def confirm(comparison, reruns):
    """A regressed program run again on the series (reruns: label -> [Side]): passing every time makes its
    regression rows FLAKY, naming the first run's failure; failing again keeps them, with the count."""
    rows = []
    for row in comparison.rows:
        again = reruns.get(row.program)
        if row.verdict != REGRESSION or not again:
            rows.append(row)
            continue
        failed = sum(s.state not in GOOD for s in again)
        tally = f"failed {failed + 1} of {len(again) + 1} runs on the series"
        rows.append(replace(row, verdict=FLAKY if not failed else REGRESSION,
                            series_reason=f"{row.series_reason} ({tally})" if row.series_reason else tally))
    return Comparison(rows, comparison.not_run)


def compare(programs, base_sides, series_sides, not_run=None):
    """programs: labels in table order; *_sides: label -> Side (a missing label was not run)."""
    out = Comparison(not_run=dict(not_run or {}))
    missing = Side(NOT_RUN, "not run: the guest did not get to it")
    for label in programs:
        out.rows += compare_program(label, base_sides.get(label, missing), series_sides.get(label, missing))
    return out
