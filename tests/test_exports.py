"""Released data: COW/GW codes beside ISO3, the directed dyad-year panel, the event
table, Stata value labels, R .rds and Parquet, and their data package."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tiesmap.core.codebook import load_codebook
from tiesmap.index.export import (
    EVENT_COLUMNS,
    directed_dyad_year,
    event_release,
    export_panel,
    with_state_codes,
)

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = load_codebook(ROOT / "config/codebook.yaml")


def _panel() -> pd.DataFrame:
    rows = []
    for a, b in (("CHN", "RUS"), ("IRN", "RUS")):
        for year in (2021, 2022):
            rows.append(
                {
                    "dyad": f"{a}-{b}",
                    "year": year,
                    "state_a": a,
                    "state_b": b,
                    "n_war_preparation": 1.0,
                    "uncollected_war_preparation": False,
                    # wartime support not collected for CHN-RUS in 2021
                    "uncollected_wartime_support": (a, year) == ("CHN", 2021),
                    "tie_index": 0.25,
                }
            )
    return pd.DataFrame(rows)


def _event(event_id, date, participants, activity, tiv=np.nan, **extra) -> dict:
    base = {
        "event_id": event_id,
        "date_start": date,
        "date_end": "",
        "date_precision": "year" if len(date) == 4 else "day",
        "participants": participants,
        "activity": activity,
        "area": CODEBOOK.area_of(activity),
        "level": "not_applicable",
        "format": "bilateral",
        "forum": "",
        "location": "",
        "follow_up": False,
        "confidence": "high",
        "source": "https://example.org/synthetic",
        "source_type": "dataset",
        "provisional": False,
        "tiv": tiv,
    }
    return {**base, **extra}


EVENTS = pd.DataFrame(
    [
        _event("S1", "2021", "RUS;CHN", "arms_sale", 10.0),
        _event("S2", "2021-05-01", "RUS;CHN", "arms_sale", 5.0),
        _event("S3", "2022", "IRN;RUS", "weapons_delivery", 2.0),
        _event("S4", "2021", "CHN;RUS", "weapons_delivery", 7.0),  # CHN-RUS 2021 uncollected
        _event("S5", "2022-03-01", "CHN;RUS", "summit", follow_up=True),  # not directed
    ]
)


def test_state_codes_are_year_aware():
    table = pd.DataFrame({"a": ["DEU", "SRB", "RUS"], "b": ["YEM", "PRK", "IRN"], "year": 2010})
    out = with_state_codes(table, "a", "b")
    assert list(out.columns) == ["a", "b", "ccode1", "ccode2", "gwno1", "gwno2", "year"]
    assert out["ccode1"].tolist() == [255, 345, 365]
    assert out["ccode2"].tolist() == [679, 731, 630]
    assert out["gwno1"].tolist() == [260, 340, 365]
    assert out["gwno2"].tolist() == [678, 731, 630]


def test_directed_panel_counts_supplier_to_recipient():
    out = directed_dyad_year(_panel(), EVENTS, CODEBOOK).set_index(
        ["supplier", "recipient", "year"]
    )
    assert len(out) == 8  # two dyads x two directions x two years
    row = out.loc[("RUS", "CHN", 2021)]
    assert (row["n_arms_sale"], row["n_directed"]) == (2, 2)
    assert pd.isna(row["n_weapons_delivery"])  # wartime support not collected there
    assert row["tiv_directed"] == 15.0
    assert (row["ccode1"], row["ccode2"], row["gwno1"], row["gwno2"]) == (365, 710, 365, 710)
    assert out.loc[("CHN", "RUS", 2022), "n_directed"] == 0  # the summit is not directed
    assert out.loc[("IRN", "RUS", 2022), "n_weapons_delivery"] == 1
    assert out.loc[("RUS", "IRN", 2022), "n_weapons_delivery"] == 0  # direction matters
    # not collected stays missing, in both directions, and so does the total
    assert pd.isna(out.loc[("CHN", "RUS", 2021), "n_weapons_delivery"])
    assert pd.isna(out.loc[("RUS", "CHN", 2021), "n_weapons_delivery"])
    assert out.loc[("CHN", "RUS", 2021), "n_arms_sale"] == 0
    assert out.loc[("CHN", "RUS", 2021), "n_directed"] == 0  # the collected activities only


def test_event_release_columns_and_optional_quantity():
    out = event_release(EVENTS)
    assert tuple(out.columns) == EVENT_COLUMNS
    assert out["quantity"].isna().all() and (out["quantity_unit"] == "").all()
    assert out.loc[out["event_id"] == "S5", "follow_up"].item() == 1
    coded = event_release(EVENTS.assign(quantity=["12", "", "", "", ""], quantity_unit="aircraft"))
    assert coded["quantity"].iloc[0] == 12.0 and np.isnan(coded["quantity"].iloc[1])
    assert coded["quantity_unit"].iloc[0] == "aircraft"


@pytest.fixture
def exported(tmp_path) -> Path:
    export_panel(_panel(), tmp_path, events=EVENTS, analysis_events=EVENTS, codebook=CODEBOOK)
    return tmp_path


def test_every_export_is_written_and_described(exported):
    package = json.loads((exported / "datapackage.json").read_text())
    names = [r["name"] for r in package["resources"]]
    assert names == ["tie_index", "directed_dyad_year", "events"]
    for resource in package["resources"]:
        csv = pd.read_csv(exported / resource["path"], keep_default_na=False, na_values=[""])
        assert [f["name"] for f in resource["schema"]["fields"]] == list(csv.columns)
        for ext in ("parquet", "rds", "dta"):
            assert (exported / f"{resource['name']}.{ext}").exists()
            assert f"{resource['name']}.{ext}" in resource["description"]
        assert pd.read_parquet(exported / f"{resource['name']}.parquet").shape == csv.shape
    assert package["resources"][1]["schema"]["primaryKey"] == ["supplier", "recipient", "year"]


def test_stata_files_have_variable_and_value_labels(exported):
    with pd.io.stata.StataReader(exported / "events.dta") as reader:
        labels = reader.value_labels()
        variables = reader.variable_labels()
    assert labels["activity"][1.0] == "summit"  # codebook order
    assert set(labels["area"].values()) == set(
        [
            "contacts",
            "regime_security",
            "war_preparation",
            "missions_outside_war",
            "wartime_support",
        ]
    )
    assert "not_applicable" in labels["level"].values()
    assert labels["follow_up"] == {0.0: "no", 1.0: "yes"}
    assert variables["area"] == "Area of security ties the activity belongs to"
    events = pd.read_stata(exported / "events.dta")
    assert events["activity"].tolist() == EVENTS.sort_values("event_id")["activity"].tolist()
    with pd.io.stata.StataReader(exported / "tie_index.dta") as reader:
        assert reader.value_labels()["uncollected_wartime_support"] == {0.0: "no", 1.0: "yes"}
        assert reader.variable_labels()["ccode1"].startswith("COW state code")


def test_rds_files_read_back_with_factors(exported):
    pyreadr = pytest.importorskip("pyreadr")
    events = pyreadr.read_r(str(exported / "events.rds"))[None]
    assert events["activity"].cat.categories[0] == "summit"
    assert events["event_id"].tolist() == ["S1", "S2", "S3", "S4", "S5"]
    panel = pyreadr.read_r(str(exported / "tie_index.rds"))[None]
    assert panel["ccode2"].tolist() == [365.0] * 4


def test_exports_are_byte_identical_across_runs(exported, tmp_path_factory):
    again = tmp_path_factory.mktemp("again")
    export_panel(_panel(), again, events=EVENTS, analysis_events=EVENTS, codebook=CODEBOOK)
    for path in sorted(exported.iterdir()):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
