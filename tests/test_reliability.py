"""Krippendorff's alpha against his worked examples and the krippendorff package."""

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiesmap.codings.reliability import (
    _value_counts,
    alpha,
    alpha_from_counts,
    bootstrap_alpha,
    reliability_matrix,
    reliability_table,
)

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers, 12 units, missing values.
EXAMPLE_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
# Section A: two observers, binary data, no missing values.
EXAMPLE_A = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]], float)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)],
)
def test_worked_example_c(level, expected):
    assert alpha(EXAMPLE_C, level) == pytest.approx(expected, abs=5e-4)
    counts, domain = _value_counts(EXAMPLE_C)
    assert alpha_from_counts(counts, domain, level) == pytest.approx(expected, abs=5e-4)


def test_worked_example_a_binary():
    assert alpha(EXAMPLE_A, "nominal") == pytest.approx(0.095, abs=5e-4)


def test_perfect_agreement_is_one_and_no_variation_is_undefined():
    assert alpha(np.array([[1, 2, 3], [1, 2, 3]], float), "nominal") == 1.0
    assert np.isnan(alpha(np.array([[1, 1, 1], [1, 1, 1]], float), "nominal"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=8, max_size=8),
        min_size=2,
        max_size=4,
    ),
    st.sampled_from(["nominal", "ordinal", "interval"]),
)
def test_closed_form_equals_package(rows, level):
    m = np.array([[NAN if v is None else v for v in r] for r in rows], float)
    counts, domain = _value_counts(m)
    pairable = counts.sum(axis=1) >= 2
    if len(domain) < 2 or (counts[pairable].sum(axis=0) > 0).sum() < 2:
        return
    ours = alpha_from_counts(counts, domain, level)
    theirs = krippendorff.alpha(reliability_data=m, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_bootstrap_is_reproducible_with_a_seed():
    one = bootstrap_alpha(EXAMPLE_C, "nominal", 300, np.random.default_rng(5))
    two = bootstrap_alpha(EXAMPLE_C, "nominal", 300, np.random.default_rng(5))
    assert one == two
    assert one[0] < 0.743 < one[1]


def test_reliability_table_from_codings():
    codings = pd.DataFrame(
        {
            "event_id": ["E1", "E2", "E3", "E1", "E2", "E3"],
            "coder": ["a", "a", "a", "b", "b", "b"],
            "activity": ["summit", "exercise", "summit", "summit", "exercise", "exercise"],
        }
    )
    m = reliability_matrix(codings, "activity", ["a", "b"])
    assert m.shape == (2, 3)
    for col in [
        "area",
        "level",
        "format",
        "forum",
        "participants",
        "date_start",
        "date_precision",
        "follow_up",
        "source_type",
        "confidence",
    ]:
        codings[col] = "x" if col != "confidence" else "high"
    codings["n_participants"] = 2
    table = reliability_table(codings, ["a", "b"], 200, 1).set_index("variable")
    assert table.loc["activity", "units"] == 3
    assert table.loc["activity", "agreement"] == pytest.approx(2 / 3)
    expected = krippendorff.alpha(reliability_data=m, level_of_measurement="nominal")
    assert table.loc["activity", "alpha"] == pytest.approx(expected)
