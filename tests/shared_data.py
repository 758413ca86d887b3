"""Access to the real third-party datasets in ../shared/data for golden tests.

They are never copied into the project. Where ../shared is absent a test skips
with the reason; under CI (CI=true) a missing file fails the test, so golden
tests cannot silently vanish.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TIESMAP_SHARED", ROOT.parent / "shared"))


def in_ci() -> bool:
    """CI=true (also 1 or yes), as CI services set it."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def shared_file(relative: str) -> Path:
    """Path of ../shared/data/<relative>, or skip (locally) / fail (CI) when absent."""
    path = SHARED / "data" / relative
    if not path.exists():
        message = f"needs ../shared/data/{relative} (real third-party data, not in the repo)"
        if in_ci():
            pytest.fail(message + "; CI must have ../shared beside the checkout")
        pytest.skip(message)
    return path
