"""Code inputs derived from imports: a small package written here, then the real one."""

import json
from pathlib import Path

import pytest

from tiesmap.core import codedeps
from tiesmap.core.codedeps import closure, code_inputs, notebook_modules, verb_modules

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "workflow" / "tiesmap"

FILES = {
    "__init__.py": "",
    "core/__init__.py": "",
    "core/errors.py": "",
    "core/cli.py": "def verbs(sub):\n    from tiesmap.core import errors\n",
    "index/__init__.py": "",
    "index/counts.py": "import numpy\n\ndef count():\n    from tiesmap.index.ties import rule\n",
    "index/ties.py": "from ..core.errors import *\n",
    "index/unused.py": "import tiesmap.index.counts\n",
    "report/__init__.py": "",
    "report/figures/__init__.py": "from tiesmap.core import errors\n",
    "report/figures/heat.py": "from . import util\n",
    "report/figures/util.py": "from ...index.counts import count\n",
    "cli.py": "from tiesmap.index import cli\nfrom tiesmap.report import cli as report_cli\n",
    "index/cli.py": (
        "from tiesmap.core.errors import Problem\n"
        "def _setup():\n    from tiesmap.index.ties import rule\n"
        "def cmd_index(args):\n    _setup()\n    from tiesmap.index import counts\n"
        "def cmd_trace(args):\n    import tiesmap.index.unused\n"
        "def register(sub):\n"
        "    verb('index', cmd_index, 'x')\n"
        "    sub.add_parser('trace')\n"
    ),
    "report/cli.py": (
        "from tiesmap.core.cli import verbs\n"
        "def cmd_figure(args):\n    from tiesmap.report.figures import draw\n"
        "def register(sub):\n"
        "    verb = verbs(sub)\n"
        "    verb('figure', cmd_figure, 'x')\n"
    ),
}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "tiesmap"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _names(package: Path, files: list[str]) -> list[str]:
    return [str(Path(f).relative_to(package)) for f in files]


def test_verb_follows_cli_helpers_and_lazy_imports_but_not_other_verbs(package):
    files = _names(package, code_inputs(package, "index"))
    assert files == [
        "__init__.py",
        "cli.py",
        "core/__init__.py",
        "core/errors.py",
        "index/__init__.py",
        "index/cli.py",
        "index/counts.py",
        "index/ties.py",
    ]


def test_relative_imports_and_modules_loaded_by_name(package):
    files = _names(package, code_inputs(package, "figure", ["tiesmap.report.figures.heat"]))
    assert files == [
        "__init__.py",
        "cli.py",
        "core/__init__.py",
        "core/cli.py",
        "core/errors.py",
        "index/__init__.py",
        "index/counts.py",
        "index/ties.py",
        "report/__init__.py",
        "report/cli.py",
        "report/figures/__init__.py",
        "report/figures/heat.py",
        "report/figures/util.py",
    ]


def test_verbs_registered_with_add_parser_are_found(package):
    assert "tiesmap.index.unused" in verb_modules(package / "index" / "cli.py", "trace")


def test_unknown_verb_is_an_error(package):
    with pytest.raises(KeyError, match="no command-line verb 'nope'"):
        code_inputs(package, "nope")


def test_closure_ignores_third_party_imports(package):
    assert _names(package, closure(package, ["tiesmap.index.counts"])) == [
        "__init__.py",
        "core/__init__.py",
        "core/errors.py",
        "index/__init__.py",
        "index/counts.py",
        "index/ties.py",
    ]


def test_notebook_imports_count_and_magics_are_skipped(tmp_path):
    nb = tmp_path / "n.ipynb"
    cells = [
        {"cell_type": "markdown", "source": ["import tiesmap.nothing"]},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "from tiesmap.tables import x"]},
    ]
    nb.write_text(json.dumps({"cells": cells}))
    assert notebook_modules(nb) == {"tiesmap.tables", "tiesmap.tables.x"}


def test_every_workflow_verb_resolves_in_the_real_package():
    """Each verb the rules call names a handler, and what it runs exists as files."""
    rules = "".join(p.read_text() for p in (ROOT / "workflow/rules").glob("*.smk"))
    verbs = {
        line.split('code_for("')[1].split('"')[0]
        for line in rules.splitlines()
        if 'code_for("' in line
    }
    assert len(verbs) >= 20
    for verb in verbs:
        files = code_inputs(PACKAGE, verb)
        assert str(PACKAGE / "cli.py") in files and all(Path(f).is_file() for f in files)
    # the index rule runs the counting code, not the paper or the notebooks
    index = code_inputs(PACKAGE, "index")
    assert str(PACKAGE / "index" / "scale.py") in index
    assert (
        str(PACKAGE / "report" / "paper.py") not in index
        and str(PACKAGE / "report" / "notebooks.py") not in index
    )


def test_cached_answers_equal_fresh_ones_and_follow_every_edit(package, tmp_path):
    """The on-disk cache a no-op reads must never answer for code that has changed."""
    cache = tmp_path / "cache" / "code_inputs.json"
    fresh = code_inputs(package, "index")
    assert code_inputs(package, "index", cache_file=cache) == fresh
    assert code_inputs(package, "index", cache_file=cache) == fresh  # read back
    stored = json.loads(cache.read_text())
    assert list(stored["entries"].values()) == [fresh]

    # A new import reaches the verb: the cached answer must not hide it.
    cli = package / "index" / "cli.py"
    cli.write_text(
        cli.read_text().replace("    _setup()\n", "    _setup()\n    import tiesmap.index.unused\n")
    )
    edited = code_inputs(package, "index", cache_file=cache)
    assert str(package / "index" / "unused.py") in edited
    assert edited == code_inputs(package, "index")

    # A module added to the package changes the digest too (it may shadow a name).
    (package / "index" / "extra.py").write_text("")
    assert json.loads(cache.read_text())["digest"] != stored["digest"]  # before: edited
    before = json.loads(cache.read_text())["digest"]
    code_inputs(package, "index", cache_file=cache)
    assert json.loads(cache.read_text())["digest"] != before


def test_a_damaged_cache_is_recomputed(package, tmp_path):
    cache = tmp_path / "code_inputs.json"
    cache.write_text("{not json")
    assert code_inputs(package, "index", cache_file=cache) == code_inputs(package, "index")
    assert json.loads(cache.read_text())["entries"]


def test_notebook_edits_reach_the_cached_answer(package, tmp_path):
    cache = tmp_path / "code_inputs.json"
    notebook = tmp_path / "nb.ipynb"
    cell = {"cell_type": "code", "source": "import numpy\n", "metadata": {}, "outputs": []}
    notebook.write_text(json.dumps({"cells": [cell]}))
    plain = code_inputs(package, "index", notebook=notebook, cache_file=cache)
    cell["source"] = "from tiesmap.index import unused\n"
    notebook.write_text(json.dumps({"cells": [cell]}))
    with_import = code_inputs(package, "index", notebook=notebook, cache_file=cache)
    assert str(package / "index" / "unused.py") in with_import
    assert str(package / "index" / "unused.py") not in plain


def test_one_index_answers_every_rule_from_one_reading(package, tmp_path, monkeypatch):
    """What common.smk uses: one CodeInputIndex for all rules gives the uncached
    answers, and a later start on the same code reads them back unparsed."""
    cache = tmp_path / "code_inputs.json"
    expected = code_inputs(package, "index")
    index = codedeps.CodeInputIndex(package, cache)
    assert index("index") == expected
    assert json.loads(cache.read_text())["digest"] == codedeps.package_digest(package)

    def no_parsing(*args):
        raise AssertionError("an unchanged package was parsed again")

    monkeypatch.setattr(codedeps, "_code_inputs", no_parsing)
    assert codedeps.CodeInputIndex(package, cache)("index") == expected
    with pytest.raises(AssertionError, match="parsed again"):
        codedeps.CodeInputIndex(package, cache)("figure", ["tiesmap.report.figures.heat"])
