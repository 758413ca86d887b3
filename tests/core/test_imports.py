"""Importing the package changes nothing but sys.modules' own entries, and the IRI
grammar that jsonschema would compile is declined where jsonschema is imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.project import ROOT


def _fresh_python(code: str) -> dict:
    """Run `code` in a new interpreter (nothing imported yet); it prints a JSON value."""
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_importing_the_package_has_no_side_effects():
    got = _fresh_python(
        "import json, sys\n"
        "before = dict(sys.modules)\n"
        "import tiesmap\n"
        "new = sorted(set(sys.modules) - set(before))\n"
        "changed = sorted(k for k in before if sys.modules.get(k) is not before[k])\n"
        "print(json.dumps({'new': new, 'changed': changed}))\n"
    )
    assert got == {"new": ["tiesmap"], "changed": []}


@pytest.mark.parametrize(
    "code",
    [
        # the config check (jsonschema through tiesmap.yamlio)
        "from tiesmap.core.config import load_config\nload_config('config/config.yaml')\n",
        # nbformat imports jsonschema too
        "from tiesmap.report import notebooks\nnotebooks._nbformat()\n",
    ],
    ids=["schema_validation", "notebooks"],
)
def test_iri_grammar_is_declined_where_jsonschema_is_imported(code):
    got = _fresh_python(
        "import json, sys\n" + code + "print(json.dumps({'jsonschema': 'jsonschema' in sys.modules,"
        " 'rfc3987_syntax': repr(sys.modules.get('rfc3987_syntax', 'absent'))}))\n"
    )
    assert got == {"jsonschema": True, "rfc3987_syntax": "None"}
