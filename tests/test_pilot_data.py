"""The pilot's hand codings as a reviewer checks them: corrections logged, series
complete or explained, a search protocol for every collected activity, and the
size and spread the data section reports."""

import csv
from pathlib import Path

import pytest

from tiesmap.codings.changelog import check_changelog, check_series, coder_values
from tiesmap.core.codebook import AREAS, COLLECTED, load_codebook

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "data/raw/events"


@pytest.fixture(scope="module")
def coder_a():
    return coder_values(EVENTS / "coder_a.csv")


def test_every_logged_correction_holds_in_the_coder_files():
    files = {name: EVENTS / f"{name}.csv" for name in ("coder_a", "coder_b")}
    assert check_changelog(EVENTS / "changelog.csv", files) == []


def test_every_series_edition_is_coded_or_explained(coder_a):
    assert check_series(EVENTS / "series.csv", coder_a) == []
    with (EVENTS / "series.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    named = {r["series"] for r in rows}
    for series in ("Peace Mission", "Maritime Security Belt"):
        assert any(series.lower() in s.lower() for s in named), series
    years = {int(r["year"]) for r in rows if "leader" in r["series"].lower()}
    assert set(range(2005, 2026)) <= years


def test_every_collected_activity_has_a_search_protocol():
    codebook = load_codebook(ROOT / "config/codebook.yaml")
    readme = (EVENTS / "README.md").read_text(encoding="utf-8")
    protocol = readme[readme.index("## Search protocol") :]
    collected = [a.code for a in codebook.activities.values() if a.status == COLLECTED]
    assert len(collected) >= 15
    for code in collected:
        assert code in protocol, f"{code} is marked collected but has no search protocol"


def test_size_period_and_areas(coder_a):
    codebook = load_codebook(ROOT / "config/codebook.yaml")
    assert len(coder_a) >= 220
    years = {int(r["date_start"][:4]) for r in coder_a.values()}
    assert min(years) >= 2005 and max(years) <= 2025
    areas = {codebook.activities[r["activity"]].area for r in coder_a.values()}
    assert areas == set(AREAS)


def test_every_event_is_registered_and_cites_a_page(coder_a):
    with (EVENTS / "assignments.csv").open(encoding="utf-8") as f:
        register = {r["event_id"]: r for r in csv.DictReader(f)}
    for eid, row in coder_a.items():
        assert register[eid]["status"] == "coded", eid
        assert row["source"].startswith("http"), eid
    withdrawn = [e for e, r in register.items() if r["status"] != "coded"]
    assert withdrawn and not set(withdrawn) & set(coder_a)


def test_second_pass_names_the_pages_it_read(coder_a):
    coder_b = coder_values(EVENTS / "coder_b.csv")
    assert set(coder_b) <= set(coder_a)
    assert all(r["source"].startswith("http") for r in coder_b.values())
