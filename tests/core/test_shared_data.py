"""Tests that need ../shared skip locally where it is absent, and fail under CI."""

from __future__ import annotations

import pytest

from tests import shared_data


def test_absent_shared_file_skips_locally(tmp_path, monkeypatch):
    monkeypatch.setattr(shared_data, "SHARED", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs ../shared/data/x.csv"):
        shared_data.shared_file("x.csv")


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_absent_shared_file_fails_under_ci(tmp_path, monkeypatch, value):
    monkeypatch.setattr(shared_data, "SHARED", tmp_path)
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI must have ../shared"):
        shared_data.shared_file("x.csv")


def test_present_shared_file_is_returned(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/x.csv").write_text("a\n")
    monkeypatch.setattr(shared_data, "SHARED", tmp_path)
    monkeypatch.setenv("CI", "true")
    assert shared_data.shared_file("x.csv") == tmp_path / "data/x.csv"
