"""Strict YAML loading, ASCII-only dates, ambiguous country names and a manifest
update that validates before it writes (bad-input catalog: config_impossible_date,
config_duplicate_key, codebook_duplicate_activity, manifest_duplicate_yaml_key,
manifest_update_invalid, coder_ambiguous_country; property parse_partial_date_ascii)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from tiesmap.codings.manifest import load_manifest, sha256_of, update_checksums
from tiesmap.core.config import load_config
from tiesmap.core.countries import ambiguous_candidates, to_iso3, unmatched_reason
from tiesmap.core.dates import parse_partial_date
from tiesmap.core.errors import InputError
from tiesmap.core.yamlio import check_yaml_file, load_yaml

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "core" / "bad_inputs"


def _problems(path) -> list:
    with pytest.raises(InputError) as err:
        load_yaml(path)
    return err.value.problems


def _write(tmp_path, text: str, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ load_yaml


def test_impossible_date_names_the_key_and_line(tmp_path):
    path = _write(tmp_path, "wars:\n  - name: x\n    start: 2022-02-30\n    end: null\n")
    (p,) = _problems(path)
    assert (p.file, p.row, p.column, p.value) == (str(path), 3, "wars.0.start", "2022-02-30")
    assert "not a valid date" in p.message and "day is out of range" in p.message


def test_impossible_date_as_key_is_reported(tmp_path):
    (p,) = _problems(_write(tmp_path, "a:\n  2021-13-01: x\n"))
    assert (p.row, p.column) == (2, "a") and "date" in p.message


def test_valid_dates_still_load_as_dates(tmp_path):
    assert load_yaml(_write(tmp_path, "d: 2022-02-28\n")) == {"d": date(2022, 2, 28)}


@pytest.mark.parametrize(
    ("text", "column", "row", "first"),
    [
        ("period:\n  start: 2005\nperiod:\n  start: 1990\n", "period", 3, 1),
        (
            "activities:\n  exercise: {a: 1}\n  sale: 2\n  exercise: {a: 2}\n",
            "activities.exercise",
            4,
            2,
        ),
        ("files:\n- name: a\n  sha256: f\n  sha256: c\n", "files.0.sha256", 4, 3),
        ("a: [{k: 1}, {k: 1, k: 2}]\n", "a.1.k", 1, 1),
        ("1: a\n1.0: b\n", "1.0", 2, 1),  # equal keys after construction
    ],
)
def test_duplicate_keys_are_refused_with_their_path(tmp_path, text, column, row, first):
    (p,) = _problems(_write(tmp_path, text))
    assert (p.column, p.row) == (column, row)
    assert "duplicate key" in p.message and f"first given on line {first}" in p.message


def test_every_duplicate_is_reported_together(tmp_path):
    problems = _problems(_write(tmp_path, "a: 1\na: 2\nb: {c: 1, c: 2}\nd: 2021-02-29\n"))
    assert [p.column for p in problems] == ["a", "b.c", "d"]


def test_merge_keys_may_override_and_aliases_load(tmp_path):
    text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  x: 5\nl: [*b, *b]\n"
    data = load_yaml(_write(tmp_path, text))
    assert data["m"] == {"x": 5, "y": 2} and data["l"] == [{"x": 1, "y": 2}] * 2


def test_still_safe_loading(tmp_path):
    (p,) = _problems(_write(tmp_path, "a: !!python/object/apply:os.system ['true']\n"))
    assert "not valid YAML" in p.message


def test_empty_file_is_none(tmp_path):
    assert load_yaml(_write(tmp_path, "# only a comment\n")) is None


def test_project_yaml_files_load_as_with_safe_load():
    for path in [
        ROOT / "config/config.yaml",
        ROOT / "config/codebook.yaml",
        ROOT / "data/raw/MANIFEST.yaml",
        *sorted((ROOT / "workflow/schemas").glob("*.yaml")),
    ]:
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\n# caf\u00e9\nb: 2\n".encode("latin-1"))
    (p,) = _problems(path)
    assert p.row == 2 and "not valid YAML" in p.message and "can't decode" in p.message


def test_check_yaml_file_leaves_syntax_and_missing_files_to_the_next_reader(tmp_path):
    check_yaml_file(tmp_path / "absent.yaml")
    check_yaml_file(_write(tmp_path, "a:\n\tb: 1\n"))  # tab: Snakemake reports it itself
    with pytest.raises(InputError, match="duplicate key"):
        check_yaml_file(_write(tmp_path, "a: 1\na: 2\n"))
    with pytest.raises(InputError, match="not a valid date"):
        check_yaml_file(_write(tmp_path, "a: 2022-02-30\n"))
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"a: caf\xe9\n")
    with pytest.raises(InputError, match="can't decode"):
        check_yaml_file(path)


def _config_with(tmp_path, fragment: str) -> Path:
    """The project config with the fragment's top-level sections appended last
    (as tests/core/test_bad_inputs.py installs a config case)."""
    from tests.core.test_bad_inputs import merge_fragment

    data = merge_fragment(
        (ROOT / "config/config.yaml").read_bytes(), (BAD / "config" / fragment).read_bytes()
    )
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    return path


def test_config_with_impossible_war_date_is_refused(tmp_path):
    with pytest.raises(InputError) as err:
        load_config(_config_with(tmp_path, "impossible_date.fragment.yaml"))
    assert [p.column for p in err.value.problems] == ["wars.0.start"]


def test_config_with_period_twice_is_refused(tmp_path):
    with pytest.raises(InputError) as err:
        load_config(_config_with(tmp_path, "duplicate_key.fragment.yaml"))
    (p,) = err.value.problems
    assert p.column == "period" and "duplicate" in p.message


def test_codebook_with_activity_twice_is_refused():
    (p,) = _problems(BAD / "codebook/duplicate_activity.yaml")
    assert p.column == "activities.exercise" and "duplicate" in p.message


def test_manifest_with_sha256_twice_is_refused():
    with pytest.raises(InputError) as err:
        load_manifest(BAD / "manifest/duplicate_yaml_key.yaml")
    (p,) = err.value.problems
    assert p.column == "files.0.sha256" and "duplicate" in p.message


# ---------------------------------------------------------- manifest --update


def _project(tmp_path, manifest: str) -> Path:
    shutil.copytree(BAD / "project", tmp_path / "p")
    path = tmp_path / "p/data/raw/MANIFEST.yaml"
    shutil.copyfile(BAD / "manifest" / manifest, path)
    return path


def test_update_on_an_invalid_manifest_writes_nothing(tmp_path):
    path = _project(tmp_path, "unknown_key.yaml")
    raw = tmp_path / "p/data/raw/events/coder_a.csv"
    raw.write_bytes(raw.read_bytes() + b"\n")  # a checksum that would change
    before = path.read_bytes()
    with pytest.raises(InputError) as err:
        update_checksums(path, tmp_path / "p")
    assert any(
        p.column == "files.0" and "Additional properties" in p.message for p in err.value.problems
    )
    assert path.read_bytes() == before
    assert sorted(q.name for q in path.parent.iterdir()) == ["MANIFEST.yaml", "events"]


def test_update_with_duplicate_key_writes_nothing(tmp_path):
    path = _project(tmp_path, "duplicate_yaml_key.yaml")
    before = path.read_bytes()
    with pytest.raises(InputError, match="duplicate key"):
        update_checksums(path, tmp_path / "p")
    assert path.read_bytes() == before


def test_update_edits_only_changed_checksums_and_keeps_comments(tmp_path):
    shutil.copytree(BAD / "project", tmp_path / "p")
    path = tmp_path / "p/data/raw/MANIFEST.yaml"
    raw = tmp_path / "p/data/raw/events/coder_a.csv"
    old = sha256_of(raw)
    base = path.read_text(encoding="utf-8")
    assert f"sha256: {old}\n" in base
    # an inline comment, and the changing checksum quoted: both must survive
    text = base.replace("  provided: true\n", "  provided: true  # kept\n", 1)
    text = text.replace(f"sha256: {old}\n", f"sha256: '{old}'  # coder A\n")
    path.write_text(text, encoding="utf-8")
    assert load_manifest(path)[0].sha256 == old

    assert update_checksums(path, tmp_path / "p") == 0
    assert path.read_text(encoding="utf-8") == text  # nothing changed: not rewritten

    raw.write_bytes(raw.read_bytes() + b"\n")
    new = sha256_of(raw)
    assert update_checksums(path, tmp_path / "p") == 1
    assert path.read_text(encoding="utf-8") == text.replace(f"'{old}'", f"'{new}'")
    assert load_manifest(path)[0].sha256 == new
    assert sorted(q.name for q in path.parent.iterdir()) == ["MANIFEST.yaml", "events"]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text",
    [
        "٢٠١٩-٠٤-٢٩",  # Arabic-Indic
        "２０１９-０４-２９",  # full-width
        "2019-0٤-29",
        "۲۰۱۹",  # Extended Arabic-Indic year
        "２０１９-０４",
        "2019-04-29\n2019",
    ],
)
def test_dates_accept_only_ascii_digits(text):
    with pytest.raises(ValueError, match="not a date"):
        parse_partial_date(text)


def test_ascii_dates_still_parse():
    d = parse_partial_date(" 2019-04-29 ")
    assert (d.precision, d.earliest, d.latest) == ("day", date(2019, 4, 29), date(2019, 4, 29))
    assert parse_partial_date("2020-02").latest == date(2020, 2, 29)
    assert parse_partial_date("2019").precision == "year"


# ---------------------------------------------------------------- countries


@pytest.mark.parametrize("name", ["Korea", "KOREA", " Korea ", "the Koreas", "Korea."])
def test_ambiguous_korea_is_not_matched_and_names_both_states(name):
    assert to_iso3(name) is None
    assert ambiguous_candidates(name) == ("KOR", "PRK")
    reason = unmatched_reason(name)
    assert reason.startswith("ambiguous: ")
    assert "KOR (South Korea) or PRK (North Korea)" in reason


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Korea, Republic of", "KOR"),
        ("Republic of Korea", "KOR"),
        ("South Korea", "KOR"),
        ("Korea, South", "KOR"),
        ("Korea, Rep.", "KOR"),
        ("KOR", "KOR"),
        ("North Korea", "PRK"),
        ("Korea, North", "PRK"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Korea, Dem. Rep.", "PRK"),
        ("PRK", "PRK"),
        ("Republic of Congo", "COG"),
        ("Congo, Rep.", "COG"),
        ("DR Congo", "COD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),  # SIPRI's name for the Republic of the Congo (see AMBIGUOUS)
        ("Guinea", "GIN"),
        ("Equatorial Guinea", "GNQ"),
        ("Guinea-Bissau", "GNB"),
        ("Papua New Guinea", "PNG"),
    ],
)
def test_full_names_still_map(name, iso3):
    assert to_iso3(name) == iso3
    assert ambiguous_candidates(name) == ()


def test_unknown_name_reason():
    assert to_iso3("Atlantis") is None
    assert unmatched_reason("Atlantis") == "unknown country name or code"


def test_remembered_schema_passes_skip_only_what_passed(tmp_path):
    """The start-up cache of schema passes: a pass is remembered, a failure never is,
    and changed data are checked again."""
    from tiesmap.core.config import check_config, load_config

    cache = tmp_path / "passes.txt"
    config = load_config(Path(__file__).resolve().parents[2] / "config" / "config.yaml")
    check_config(config, cache_file=cache)
    assert len(cache.read_text().split()) == 1
    check_config(config, cache_file=cache)  # read back, nothing added
    assert len(cache.read_text().split()) == 1
    bad = {**config, "period": {**config["period"], "start": "1990"}}
    with pytest.raises(InputError, match="period.start"):
        check_config(bad, cache_file=cache)
    with pytest.raises(InputError, match="period.start"):  # still refused: not remembered
        check_config(bad, cache_file=cache)
    assert len(cache.read_text().split()) == 1
