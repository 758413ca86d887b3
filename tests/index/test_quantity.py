"""Optional quantity columns of coder files: checked like every other column, and
old files without them still valid."""

from __future__ import annotations

import pytest

from tests.conftest import good_row, write_coder_file
from tiesmap.codings.coder_files import COLUMNS, load_codings
from tiesmap.core.errors import InputError
from tiesmap.core.schema import validate_events

OLD_COLUMNS = tuple(c for c in COLUMNS if c not in ("quantity", "quantity_unit"))


def _problems(tmp_path, codebook, period, **over):
    path = write_coder_file(tmp_path / "coder_x.csv", [good_row(**over)])
    with pytest.raises(InputError) as err:
        load_codings([path], codebook, period)
    return {(p.row, p.column, p.value, p.message) for p in err.value.problems}


@pytest.mark.parametrize(
    ("over", "column", "value", "message"),
    [
        ({"quantity": "-5", "quantity_unit": "troops"}, "quantity", "-5",
         "quantity must not be negative"),
        ({"quantity": "about 6600", "quantity_unit": "units"}, "quantity", "about 6600",
         "quantity must be a number (e.g. 6600 or 1.5)"),
        ({"quantity": "6600"}, "quantity_unit", "", "a quantity needs a unit (quantity_unit)"),
        ({"quantity_unit": "troops"}, "quantity", "",
         "quantity_unit 'troops' is given without a quantity"),
        ({"quantity": "3", "quantity_unit": "divisions"}, "quantity_unit", "divisions",
         "must be one of: units, troops, ships, aircraft, tiv_millions, usd_millions"),
        ({"quantity": "inf", "quantity_unit": "units"}, "quantity", "inf",
         "quantity must be a finite number"),
    ],
)  # fmt: skip
def test_bad_quantities_are_errors_with_file_row_and_column(
    tmp_path, codebook, period, over, column, value, message
):
    found = _problems(tmp_path, codebook, period, **over)
    assert (2, column, value, message) in found


def test_a_quantity_with_a_unit_passes_and_is_normalised(tmp_path, codebook, period):
    path = write_coder_file(
        tmp_path / "coder_x.csv", [good_row(quantity="12,000", quantity_unit="troops")]
    )
    events = validate_events(load_codings([path], codebook, period), "codings")
    assert events.loc[0, ["quantity", "quantity_unit"]].tolist() == ["12000", "troops"]


def test_old_files_without_quantity_columns_still_validate(tmp_path, codebook, period):
    row = {k: v for k, v in good_row().items() if k in OLD_COLUMNS}
    path = write_coder_file(tmp_path / "coder_x.csv", [row], columns=OLD_COLUMNS)
    events = validate_events(load_codings([path], codebook, period), "codings")
    assert events.loc[0, "quantity"] == "" and events.loc[0, "quantity_unit"] == ""


def test_quantities_raise_the_intensity_of_a_tie_not_the_tie_itself(codebook):
    import numpy as np
    import pandas as pd

    from tiesmap.index import scale
    from tiesmap.index.index import tie_intensity

    events = pd.DataFrame(
        {
            "event_id": ["D1", "D2"],
            "date_start": ["2022-08", "2023-03"],
            "date_end": ["2022-11", ""],
            "participants": ["IRN;RUS", "IRN;RUS"],
            "activity": ["weapons_delivery", "weapons_delivery"],
            "area": ["wartime_support", "wartime_support"],
            "format": ["bilateral", "bilateral"],
            "follow_up": [False, False],
            "tiv": [np.nan, np.nan],
            "quantity": ["999", ""],
            "quantity_unit": ["units", ""],
        }
    )
    _, ties = scale.panel_with_ties(
        events, ["IRN-RUS"], 2022, 2025, codebook, None, "full",
        frozenset({"weapons_delivery"}), 2, 24, True, 3,
    )  # fmt: skip
    ties = ties.set_index("year")
    # D1 lasts 4 months: a tie while it is in the window (2022, 2023); D2 alone is
    # one event, not a tie (2024).
    assert ties["tie_wartime_support"].tolist() == [1.0, 1.0, 0.0, 0.0]
    # D1 (999 units: log10(1000) = 3) adds to the 2022-2023 windows' intensity.
    assert ties["quantity_wartime_support"].tolist() == [3.0, 3.0, 0.0, 0.0]
    intensity = tie_intensity(ties)["wartime_support"].tolist()
    assert intensity == [1 + 3.0, 2 + 3.0, 0.0, 0.0]


def test_every_area_score_and_the_index_lie_in_the_unit_interval():
    """The configurable normalisations and aggregations keep scores in [0, 1]."""
    import numpy as np
    import pandas as pd

    from tiesmap.core.codebook import AREAS
    from tiesmap.index.index import build_tie_index

    rng = np.random.default_rng(11)
    panel = pd.DataFrame({"dyad": np.repeat(["A-B", "A-C", "B-C"], 20)})
    for area in AREAS:
        panel[f"window_{area}"] = rng.poisson(2.0, len(panel)).astype(float)
        panel[f"tie_{area}"] = (rng.random(len(panel)) < 0.6).astype(float)
        panel[f"quantity_{area}"] = np.where(rng.random(len(panel)) < 0.2, 4.0, 0.0)
    panel.loc[:5, "tie_regime_security"] = np.nan  # not collected
    for normalisation in ("minmax", "minmax_log1p", "rank"):
        for aggregation in ("arithmetic", "geometric"):
            out = build_tie_index(panel, normalisation, aggregation, dict.fromkeys(AREAS, 1.0))
            scores = out[[f"score_{a}" for a in AREAS] + ["tie_index"]].to_numpy()
            finite = scores[np.isfinite(scores)]
            assert finite.min() >= 0.0 and finite.max() <= 1.0


def test_the_coding_guide_states_every_quantity_unit_and_the_rule(codebook, config):
    from tiesmap.core.codebook import QUANTITY_WORDS, render_coding_guide
    from tiesmap.core.schema import QUANTITY_UNITS

    assert tuple(QUANTITY_WORDS) == QUANTITY_UNITS
    guide = render_coding_guide(codebook, config)
    assert all(f"| `{unit}` |" in guide for unit in QUANTITY_UNITS)
    assert "Open-end rule" in guide
    m = config["tie_rule"]["min_duration_months"]
    assert f"an event lasting at least m = {m} months" in guide
    assert "Every score lies in [0, 1]" in guide
