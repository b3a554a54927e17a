from harness import buildsteps


def test_first_build_of_a_folder_expects_a_full_build_of_its_config(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path))
    assert buildsteps.expected(tmp_path / "a", "cfg", fresh=True) is None
    buildsteps.record(tmp_path / "a", "cfg", 740, fresh=True)
    buildsteps.record(tmp_path / "a", "cfg", 12, fresh=False)
    assert buildsteps.expected(tmp_path / "b", "cfg", fresh=True) == 740
    assert buildsteps.expected(tmp_path / "a", "cfg", fresh=False) == 12
    assert buildsteps.expected(tmp_path / "a", "other", fresh=True) is None


def test_eta_from_the_rate_so_far():
    assert buildsteps.eta_text(100, 400, 50.0) == "   25%  ETA 2m30s"
    assert buildsteps.eta_text(500, 400, 50.0) == "   99%  ETA 0s"
    assert buildsteps.eta_text(10, None, 5.0) == ""


def test_folders_that_are_gone_are_forgotten(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path))
    (tmp_path / "kept").mkdir()
    buildsteps.record(tmp_path / "gone", "cfg", 5, fresh=False)
    buildsteps.record(tmp_path / "kept", "cfg", 7, fresh=False)
    assert buildsteps.expected(tmp_path / "gone", "cfg", fresh=False) is None
    assert buildsteps.expected(tmp_path / "kept", "cfg", fresh=False) == 7
