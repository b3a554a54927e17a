"""The guest's shell survives what its programs leave behind: an orphan exiting while the shell
waits for its next command line (busybox timeout's watcher does so after every time-boxed program)."""

import pytest

pytestmark = pytest.mark.e2e


def test_an_orphan_exiting_at_the_prompt_does_not_end_the_shell(tmp_path):
    from harness import pipeline
    from harness.progress import Progress
    opts = pipeline.Options(arch="arm64", out=tmp_path, timeout=300)
    prep, = pipeline.prepare_all([opts], "boot", Progress())
    # The orphan exits a second later, while quick commands keep the shell mostly at its prompt:
    # with the shell as PID 1 it died within twenty of them ("the guest died while running n17").
    commands = (("orphan", "sh -c 'sleep 1 &'"),) + tuple((f"n{i}", "true") for i in range(60))
    outcome = pipeline.boot(prep, pipeline.Workload(commands, parse_tap=False), opts, Progress())
    died = [r.command for r in outcome.results if r.guest_died or r.status != 0]
    assert died == [] and len(outcome.results) == len(commands) and outcome.error is None, (died, outcome.error)
    assert not any("Attempted to kill init" in line for line in outcome.console)
