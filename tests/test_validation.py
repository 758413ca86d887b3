"""Known-case validation (tiesmap.index.validation): the project's cases file is valid and
broad enough, and the rule catches a wrong expectation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tiesmap.core.codebook import AREAS
from tiesmap.core.errors import InputError
from tiesmap.index.validation import (
    case_summary,
    check_cases,
    hit_rates,
    load_cases,
    validation_latex,
)

ROOT = Path(__file__).resolve().parents[1]
FOCAL = ["CHN", "IRN", "PRK", "RUS"]


def test_project_cases_cover_every_area_and_focal_dyad_with_negatives():
    cases = load_cases(ROOT / "config/validation.yaml", FOCAL)
    assert len(cases) >= 20
    assert {c["area"] for c in cases} == set(AREAS)
    dyads = {"-".join(sorted(c["actors"])) for c in cases if len(c["actors"]) == 2}
    assert dyads == {"CHN-IRN", "CHN-PRK", "CHN-RUS", "IRN-PRK", "IRN-RUS", "PRK-RUS"}
    assert any(not c["tie"] for c in cases) and any(len(c["actors"]) == 3 for c in cases)
    assert all(c["source"].startswith("http") for c in cases)


def _panel() -> pd.DataFrame:
    rows = []
    for year in (2022, 2023, 2024):
        rows.append({"dyad": "IRN-RUS", "year": year, **{f"tie_{a}": 0.0 for a in AREAS}})
        rows[-1]["tie_wartime_support"] = 1.0 if year < 2024 else 0.0
        rows[-1]["window_wartime_support"] = 1.0
        rows[-1]["tie_regime_security"] = np.nan  # not collected
    return pd.DataFrame(rows)


def _case(**over):
    case = {
        "id": "irn_rus_drones",
        "actors": ["RUS", "IRN"],
        "area": "wartime_support",
        "start": 2022,
        "end": 2024,
        "tie": True,
        "fact": "Iranian drones reached Russia from 2022.",
        "source": "https://example.org/drones",
    }
    return {**case, **over}


def test_a_case_hit_in_some_years_and_missed_in_another_is_a_miss_naming_the_year():
    years = check_cases([_case()], _panel(), pd.DataFrame(columns=["triad", "year"]))
    assert years["status"].tolist() == ["hit", "hit", "miss"]
    summary = case_summary(years)
    assert summary.loc[0, "status"] == "miss" and summary.loc[0, "missed_years"] == "2024"
    assert summary.loc[0, "reasons"] == "too few events for the rule"


def test_a_deliberately_wrong_expectation_is_caught():
    wrong = _case(id="wrong", start=2022, end=2023, tie=False)  # ties exist in 2022-23
    right = _case(id="right", start=2022, end=2023)
    summary = case_summary(check_cases([wrong, right], _panel(), pd.DataFrame()))
    assert summary.set_index("case")["status"].to_dict() == {"wrong": "miss", "right": "hit"}
    assert summary.set_index("case").loc["wrong", "reasons"] == "coded events formed a tie"
    rates = hit_rates(summary, summary)
    assert (rates["cases_hit"], rates["cases_missed"], rates["cases_hit_rate"]) == (1, 1, 0.5)
    assert "1 of 2 observable cases hit (50\\%)" in validation_latex(summary)


def test_an_uncollected_area_is_not_observable_not_a_miss():
    case = _case(id="uncollected", area="regime_security")
    summary = case_summary(check_cases([case], _panel(), pd.DataFrame()))
    assert summary.loc[0, "status"] == "not observable"
    assert hit_rates(summary, summary)["cases_missed"] == 0


def test_a_triad_case_reads_the_triad_level_tie():
    panel = pd.concat(
        [_panel().assign(dyad=d) for d in ("CHN-IRN", "CHN-RUS", "IRN-RUS")], ignore_index=True
    )
    triads = pd.DataFrame(
        {
            "triad": ["CHN-IRN-RUS"] * 3,
            "year": [2022, 2023, 2024],
            "triad_tie_areas": ["war_preparation", "", "contacts;war_preparation"],
        }
    )
    case = _case(id="belt", actors=["CHN", "IRN", "RUS"], area="war_preparation")
    years = check_cases([case], panel, triads)
    assert years["status"].tolist() == ["hit", "miss", "hit"]


def test_bad_cases_are_reported_with_their_keys(tmp_path):
    path = tmp_path / "validation.yaml"
    bad = [_case(start=2025, end=2022), _case(actors=["IRN", "USA"]), _case(tie="maybe")]
    path.write_text(yaml.safe_dump({"cases": bad}), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_cases(path, FOCAL)
    assert any(p.column == "cases.2.tie" for p in err.value.problems)
    good = [_case(start=2025, end=2022), _case(id="other", actors=["IRN", "USA"])]
    path.write_text(yaml.safe_dump({"cases": good}), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_cases(path, FOCAL)
    messages = {(p.column, p.message) for p in err.value.problems}
    assert ("cases.0.end", "end is before start") in messages
    assert ("cases.1.actors", "not a focal state") in messages
