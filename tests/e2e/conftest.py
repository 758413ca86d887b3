"""One set of full builds per session for every end-to-end test.

`pilot_build` is the pilot built once (2 cores, network cut) in a temporary copy of
the project; the tests of tests/e2e read it instead of building again. `builds`
gives the other clean builds (1 and 4 cores) that some tests compare it with.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.builds import Builds, unshare_works
from tests.project import ROOT, copy_project


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory) -> Path:
    """One copy of the project; every build starts from it, so an edit to the
    working tree during the test run cannot make two builds differ."""
    return copy_project(tmp_path_factory.mktemp("snapshot"))


@pytest.fixture(scope="session")
def network_guard(tmp_path_factory) -> Path | None:
    """None when `unshare -n` works; otherwise a folder holding a sitecustomize.py
    that refuses connections beyond loopback."""
    if unshare_works():
        return None
    folder = tmp_path_factory.mktemp("netguard")
    shutil.copyfile(ROOT / "tests" / "netguard.py", folder / "sitecustomize.py")
    return folder


@pytest.fixture(scope="session")
def builds(snapshot, tmp_path_factory, network_guard):
    started = Builds(snapshot, tmp_path_factory, network_guard)
    yield started
    started.stop()


@pytest.fixture(scope="session")
def pilot_build(builds) -> Path:
    """The folder of the pilot's clean build (results/, logs/, data/processed/)."""
    return builds["pilot"]
