"""The guest side of bench, without a guest: command lines and reading the console back."""

from harness.console import CommandResult
from harness.pipeline import BootOutcome
from harness.bench import guest
from scripts.bench import cases
from scripts.bench.cases import Spec


def test_one_command_per_run_with_every_spec():
    specs = [Spec("memset", 4096000, 4096), Spec("refpage", 4096000, 4096)]
    cmds = guest.commands(specs, 3, 200)
    assert [name for name, _ in cmds] == ["bench run 1/3", "bench run 2/3", "bench run 3/3"]
    assert cmds[0][1] == "/usr/bin/refpage_bench -i 200 memset:4096000:4096 refpage:4096000:4096"


def _result(status, *lines):
    res = CommandResult("x", status, output=list(lines))
    res.name = "bench run 1/1"
    return res


def test_collect_reads_figures_and_reports_a_crashed_program():
    ok = _result(0, "/root # rci-1> bench case=memset mmap=8192 touch=0 iterations=1 seconds=1.0 maxrss_kib=9")
    crashed = _result(139, "Segmentation fault")
    samples = guest.collect(BootOutcome([ok, crashed], []))
    assert samples.seconds == {Spec("memset", 8192, 0): [1.0]}
    assert samples.errors == ["bench run 1/1: exit 139: Segmentation fault"]


def test_a_failed_measurement_is_reported_once():
    res = _result(1, "refpage_bench: signal 11, si_code 9, address 0x1",
                  "bench case=mte-stg mmap=8192 touch=0 iterations=1 error=exit status 3 (see above)")
    samples = guest.collect(BootOutcome([res], []))
    assert samples.errors == ["mte-stg:8192:0: exit status 3 (see above)"]
    assert isinstance(samples, cases.Samples)
