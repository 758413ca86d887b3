"""The fast path (tiesmap.index.scale) gives what the reference functions give; the
benchmark scripts run. Correctness only: timings live in benchmarks/."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracles import (
    add_sustained_ties,
    build_dyad_year,
    monte_carlo,
    scenario_scores,
    window_counts,
)
from tiesmap.core.codebook import AREAS
from tiesmap.core.schema import validate_source_events
from tiesmap.index import scale
from tiesmap.index.dyads import expand_to_dyads
from tiesmap.index.panel import scope_report
from tiesmap.index.sensitivity import Space

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"
RULES = ("full", "inverse", "excluded")
STATES = ("BLR", "CHN", "IRN", "KAZ", "PRK", "RUS", "SYR")
ACTIVITIES = (
    ("summit", "contacts"),
    ("counter_terrorism", "regime_security"),
    ("exercise", "war_preparation"),
    ("arms_sale", "war_preparation"),
    ("joint_patrol", "missions_outside_war"),
    ("weapons_delivery", "wartime_support"),
)
DIRECTED = frozenset({"arms_sale", "weapons_delivery"})
START, END = 2010, 2016
DYADS = [f"{a}-{b}" for a, b in combinations(STATES[:5], 2)] + ["AAA-CHN", "RUS-SYR"]
COVERAGE = [
    {"areas": ["contacts", "war_preparation", "wartime_support"], "start": 2010, "end": 2016},
    {"areas": ["regime_security"], "start": 2012, "end": 2014},
    {"areas": ["missions_outside_war"], "start": 2010, "end": 2016, "states": ["RUS"]},
]


def _date(rng: np.random.Generator, year: int) -> str:
    month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    return rng.choice([f"{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}", f"{year}"])


def random_events(seed: int, n_events: int = 80, max_n: int = 5) -> pd.DataFrame:
    """Events with 2..max_n participants, some listed twice or unsorted, directed
    activities, all three date precisions, years before and after the panel."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_events):
        n = int(rng.integers(2, max_n + 1))
        parts = [str(s) for s in rng.choice(STATES, size=n, replace=False)]
        if rng.random() < 0.1:
            parts.insert(int(rng.integers(0, n + 1)), parts[int(rng.integers(0, n))])
        activity, area = ACTIVITIES[int(rng.integers(len(ACTIVITIES)))]
        if activity not in DIRECTED and rng.random() < 0.7:
            parts = sorted(parts)
        rows.append(
            {
                "event_id": f"E{i:04d}",
                "date_start": _date(rng, int(rng.integers(START - 3, END + 2))),
                "participants": ";".join(parts),
                "activity": activity,
                "area": area,
                "format": "multilateral" if n > 2 or rng.random() < 0.1 else "bilateral",
                "forum": "",
                "follow_up": bool(rng.random() < 0.2),
                "tiv": float(rng.gamma(2.0, 5.0)) if activity in DIRECTED else np.nan,
                "source_type": "media",
            }
        )
    return pd.DataFrame(rows)


def _reference_panel(events, rule, codebook, dyads=DYADS, coverage=COVERAGE):
    dyad_events = expand_to_dyads(events, rule, DIRECTED)
    return build_dyad_year(dyad_events, dyads, START, END, codebook, coverage), dyad_events


# --------------------------------------------------------------------------- panel


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_panel_equals_expand_then_build(codebook, rule, seed):
    events = random_events(seed)
    expected, _ = _reference_panel(events, rule, codebook)
    got = scale.build_dyad_year(events, DYADS, START, END, codebook, COVERAGE, rule, DIRECTED)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-12)


event_rows = st.lists(
    st.tuples(
        st.lists(st.sampled_from(STATES), min_size=2, max_size=6),  # may repeat a state
        st.integers(0, len(ACTIVITIES) - 1),
        st.integers(START - 2, END + 1),
        st.integers(1, 12),
        st.sampled_from(["day", "month", "year"]),
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=event_rows, rule=st.sampled_from(RULES))
def test_panel_equals_oracle_for_any_events(codebook, rows, rule):
    records = []
    for i, (parts, act, year, month, precision, multi, follow) in enumerate(rows):
        activity, area = ACTIVITIES[act]
        date = {"day": f"{year}-{month:02d}-15", "month": f"{year}-{month:02d}", "year": f"{year}"}
        records.append(
            {
                "event_id": f"H{i}",
                "date_start": date[precision],
                "participants": ";".join(parts),
                "activity": activity,
                "area": area,
                "format": "multilateral" if multi else "bilateral",
                "follow_up": follow,
            }
        )
    events = pd.DataFrame(records)
    dyad_events = expand_to_dyads(events, rule, DIRECTED)
    if dyad_events.empty:  # every event lists one state only
        return
    expected = build_dyad_year(dyad_events, DYADS, START, END, codebook, COVERAGE)
    got = scale.build_dyad_year(events, DYADS, START, END, codebook, COVERAGE, rule, DIRECTED)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-12)


def test_counts_hold_all_three_rules_and_every_dyad(codebook):
    events = random_events(5)
    counts = scale.count_dyads(events, DIRECTED)
    all_dyads = counts.dyad_names()
    assert all_dyads == sorted(all_dyads)
    assert counts.dyad_index(all_dyads).tolist() == list(range(len(all_dyads)))
    assert counts.dyad_index(["RUS-CHN", "AAA-BBB"]).tolist() == [-1, -1]
    for rule in RULES:
        expected, dyad_events = _reference_panel(events, rule, codebook, all_dyads, None)
        got = scale.panel_from_counts(counts, None, START, END, codebook, None, rule)
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-12)
        long = scale.dyad_year_counts(counts, rule)
        ref = dyad_events[dyad_events["weight"] > 0].groupby(["dyad", "year", "area"])["weight"]
        ref = ref.sum().rename("expected").reset_index()
        both = long.astype({"dyad": str, "area": str}).merge(
            ref, on=["dyad", "year", "area"], how="outer"
        )
        np.testing.assert_allclose(both["weight"], both["expected"], rtol=1e-12)
        assert {"state_a", "state_b"} <= set(long.columns)


def test_inputs_as_frame_arrow_or_parquet_agree(codebook, tmp_path):
    events = random_events(6)
    path = tmp_path / "events.parquet"
    events.to_parquet(path)
    frames = [
        scale.build_dyad_year(src, DYADS, START, END, codebook, None, "inverse", DIRECTED)
        for src in (events, pa.Table.from_pandas(events), path, str(path))
    ]
    categorical = events.astype({c: "category" for c in ("activity", "area", "format")})
    frames.append(
        scale.build_dyad_year(categorical, DYADS, START, END, codebook, None, "inverse", DIRECTED)
    )
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


def _assert_same_counts(got: scale.DyadCounts, expected: scale.DyadCounts) -> None:
    assert got.states == expected.states
    assert (got.first_year, got.last_year) == (expected.first_year, expected.last_year)
    assert (got.events_before, got.events_after) == (expected.events_before, expected.events_after)
    for name, values in expected.arrays.items():
        if name in ("wi", "mi"):  # sums of 1/(n-1), added batch by batch
            np.testing.assert_allclose(got.arrays[name], values, rtol=1e-13, atol=1e-13)
        else:  # whole counts: exact in any order
            np.testing.assert_array_equal(got.arrays[name], values)
    np.testing.assert_allclose(got.tiv, expected.tiv, rtol=1e-13)


@pytest.mark.parametrize("batch", [1, 7, 64])
def test_counts_in_batches_equal_one_pass(tmp_path, batch):
    """Streaming in batches (what bounds memory on millions of events) changes no count,
    whether the events come as a frame or are read from parquet in batches."""
    events = random_events(11, n_events=300, max_n=6)
    events.loc[5, "participants"] = "CHN;RUS;CHN"  # a repeated state: counted once
    path = tmp_path / "events.parquet"
    events.to_parquet(path, row_group_size=50)
    whole = scale.count_dyads(events, DIRECTED, first_year=START + 2, last_year=END - 2)
    assert whole.events_before > 0 and whole.events_after > 0
    for source in (events, path):
        streamed = scale.count_dyads(
            source, DIRECTED, first_year=START + 2, last_year=END - 2, batch_events=batch
        )
        _assert_same_counts(streamed, whole)
    default_years = scale.count_dyads(path, DIRECTED, batch_events=batch)
    _assert_same_counts(default_years, scale.count_dyads(events, DIRECTED))


def test_counts_by_given_months_in_batches():
    events = random_events(12, n_events=120)
    months = np.arange(len(events), dtype=np.int64) % 36 + START * 12
    whole = scale.count_dyads(events, DIRECTED, months_per_bin=3, months=months)
    streamed = scale.count_dyads(events, DIRECTED, months_per_bin=3, months=months, batch_events=9)
    _assert_same_counts(streamed, whole)
    assert whole.first_year == START and whole.last_year == START + 2
    with pytest.raises(ValueError, match="one value per event"):
        scale.count_dyads(events, DIRECTED, months=months[:-1], batch_events=9)
    with pytest.raises(ValueError, match="one value per event"):
        scale.count_dyads(events, DIRECTED, months=np.r_[months, months[:1]], batch_events=9)


def test_a_bad_list_is_reported_at_its_row_in_any_batch(tmp_path):
    events = random_events(13, n_events=40)
    events.loc[33, "participants"] = "CHN;RU"
    path = tmp_path / "events.parquet"
    events.to_parquet(path)
    for source in (events, path):
        with pytest.raises(ValueError, match=r"participants in row 33: 'CHN;RU'"):
            scale.count_dyads(source, DIRECTED, batch_events=10)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("participants", "CHN;RU", "3-letter"),
        ("participants", "chn;RUS", "3-letter"),
        ("participants", "CHN,RUS", "3-letter"),
        ("date_start", "2020-13", "date_start"),
        ("date_start", "20-01-01", "date_start"),
        ("area", "cyber", "unknown area"),
    ],
)
def test_malformed_events_are_refused(column, value, message):
    events = random_events(7, n_events=5)
    events.loc[3, column] = value
    with pytest.raises(ValueError, match=message):
        scale.count_dyads(events, DIRECTED)


# --------------------------------------------------------------------------- tie rule


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("window", [12, 18, 24])
@pytest.mark.parametrize("follow_up_counts", [True, False])
def test_sustained_ties_equal_oracle(codebook, rule, window, follow_up_counts):
    events = random_events(11, n_events=150)
    panel, dyad_events = _reference_panel(events, rule, codebook)
    counts = scale.count_dyads(events, DIRECTED, months_per_bin=scale.months_per_bin_for([window]))
    for k in (1, 2, 3):
        expected = add_sustained_ties(panel, dyad_events, k, window, follow_up_counts)
        got = scale.add_sustained_ties(panel, counts, rule, k, window, follow_up_counts)
        assert list(got.columns) == list(expected.columns)
        for area in AREAS:
            ref_window = expected[f"window_{area}"].to_numpy()
            np.testing.assert_allclose(got[f"window_{area}"], ref_window, atol=1e-9)
            differ = ~(
                (got[f"tie_{area}"] == expected[f"tie_{area}"])
                | (got[f"tie_{area}"].isna() & expected[f"tie_{area}"].isna())
            ).to_numpy()
            # Only where the reference's unrounded sum of 1/(n-1) misses k by round-off.
            assert np.all(np.abs(ref_window[differ] - k) < 1e-9)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("seed", [5, 6])
def test_panel_with_ties_equals_the_oracle_panel_and_ties(codebook, rule, seed):
    """The index rule now calls panel_with_ties on events; it must give the
    frames build_dyad_year + add_sustained_ties gave on dyad-events."""
    events = random_events(seed, n_events=120)
    panel, dyad_events = _reference_panel(events, rule, codebook)
    ties = add_sustained_ties(panel, dyad_events, 2, 24, True)
    got_panel, got_ties = scale.panel_with_ties(
        events, DYADS, START, END, codebook, COVERAGE, rule, DIRECTED, 2, 24, True
    )
    pd.testing.assert_frame_equal(got_panel, panel, check_exact=False, rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(got_ties, ties, check_exact=False, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scope_from_counts_equals_scope_report(rule, seed):
    events = random_events(seed, n_events=150)
    expected = scope_report(expand_to_dyads(events, rule, DIRECTED), DYADS)
    got = scale.scope_from_counts(scale.count_dyads(events, DIRECTED), DYADS, rule)
    assert got == expected
    assert got["dyad_events_in_scope"] + got["dyad_events_out_of_scope"] == got["dyad_events"]
    if rule == "excluded":
        assert got["dyad_events_zero_weight"] > 0


def test_scope_needs_counts_over_every_year():
    counts = scale.count_dyads(random_events(1), DIRECTED, first_year=START, last_year=END)
    with pytest.raises(ValueError, match="every year"):
        scale.scope_from_counts(counts, DYADS, "full")


@pytest.mark.parametrize("window", [6, 12, 24, 36])
def test_window_counts_equal_the_oracle(codebook, window):
    events = random_events(12, n_events=150)
    panel, dyad_events = _reference_panel(events, "inverse", codebook)
    for area in AREAS:
        expected = window_counts(panel, dyad_events, area, window)
        got = scale.window_counts(panel, dyad_events, area, window, max_cells=50)
        np.testing.assert_allclose(got[0], expected[0], atol=1e-9)
        assert np.array_equal(got[1], expected[1])


def test_windows_need_counts_that_reach_back(codebook):
    events = random_events(13)
    late = scale.count_dyads(events, DIRECTED, first_year=START, last_year=END)
    panel, _ = _reference_panel(events, "full", codebook)
    with pytest.raises(ValueError, match="earlier year"):
        scale.add_sustained_ties(panel, late, "full", 2, 24, True)
    with pytest.raises(ValueError, match="bins of 6 months"):
        scale.add_sustained_ties(panel, late, "full", 2, 18, True)
    assert scale.months_per_bin_for([12, 24, 36]) == 12
    assert scale.months_per_bin_for([12, 18]) == 6


# --------------------------------------------------------------------------- sensitivity


def _space(draws=300, normalisations=("minmax", "minmax_log1p", "rank")):
    return Space(
        normalisations=normalisations,
        aggregations=("arithmetic", "geometric"),
        multilateral_weights=RULES,
        min_interactions=(1, 2),
        window_months=(12, 24),
        dirichlet_alpha=1.0,
        draws=draws,
    )


def test_scenario_scores_equal_oracle(codebook):
    # At most 3 participants: inverse weights 1 and 1/2 add up exactly, so the
    # reference's tie decisions have no round-off to differ on.
    events = random_events(21, n_events=150, max_n=3)
    space = _space()
    by_rule = {rule: expand_to_dyads(events, rule, DIRECTED) for rule in RULES}
    panel = build_dyad_year(by_rule["full"], DYADS, START, END, codebook, COVERAGE)
    expected, labels = scenario_scores(panel, by_rule, space, True)
    counts = scale.count_dyads(events, DIRECTED)
    got, got_labels = scale.scenario_scores(panel, counts, space, True)
    assert got_labels == labels
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_monte_carlo_equals_oracle(seed):
    rng = np.random.default_rng(seed)
    space = _space(draws=250)
    labels = [(r, w, k, n) for r in RULES for w in (12, 24) for k in (1, 2) for n in "abc"]
    rows = 330
    scores = rng.random((len(labels), rows, 5)) * (rng.random((len(labels), rows, 5)) < 0.5)
    scores[:, :40, 4] = np.nan  # an uncollected area
    scores[:, 100:103, :] = np.nan  # rows with no area at all
    dyads = np.repeat(np.array([f"D{i:03d}" for i in range(rows // 10)]), 10)
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = monte_carlo(scores, labels, dyads, space, seed=5)
    for threads in (1, 2):
        got = scale.monte_carlo(
            scores, labels, dyads, space, seed=5, block_values=4_000, threads=threads
        )
        for a, b in zip(got, expected, strict=True):
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12)
    one = scale.monte_carlo(scores, labels, dyads, space, seed=5, threads=1)
    two = scale.monte_carlo(scores, labels, dyads, space, seed=5, threads=2)
    for a, b in zip(one, two, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def _brute_ranks(means: np.ndarray) -> np.ndarray:
    """Rank of dyad i in draw d: 1 + dyads with a stronger mean + earlier dyads with
    the same mean (no mean counts as the weakest), by direct comparison."""
    s = np.nan_to_num(means, nan=-np.inf)  # dyads x draws
    n = len(s)
    ranks = np.empty(s.T.shape, dtype=np.intp)
    for d in range(s.shape[1]):
        for i in range(n):
            earlier_ties = sum(s[j, d] == s[i, d] for j in range(i))
            ranks[d, i] = 1 + int((s[:, d] > s[i, d]).sum()) + earlier_ties
    return ranks


@pytest.mark.parametrize("threads", [1, 3])
def test_ranks_per_draw_break_ties_by_panel_order(threads):
    rng = np.random.default_rng(4)
    means = rng.integers(0, 4, size=(9, 11)).astype(float)  # many ties
    means[2, :3] = np.nan  # a dyad without a mean in some draws ranks last
    got = scale._ranks_per_draw(means, threads)
    assert np.array_equal(got, _brute_ranks(means))
    assert sorted(got[0].tolist()) == list(range(1, 10))


@pytest.mark.parametrize("n_dyads", [7, 5000])
def test_rank_quantiles_equal_numpy(n_dyads):
    # 5,000 dyads takes the row-sort path, 7 the rank histograms.
    rng = np.random.default_rng(n_dyads)
    ranks = np.argsort(rng.random((40, n_dyads)), axis=1) + 1  # draws x dyads, ranks 1..D
    got = scale._rank_quantiles(ranks, np.array([0.05, 0.5, 0.95]))
    expected = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0).T
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_segment_sums_equal_reduceat():
    rng = np.random.default_rng(8)
    values = rng.random((23, 17))
    starts = np.array([0, 4, 5, 19])
    np.testing.assert_allclose(
        scale._segment_sums(values, starts), np.add.reduceat(values, starts, axis=0), rtol=1e-14
    )
    counts = scale._segment_sums(values > 0.5, starts)
    assert np.array_equal(counts, np.add.reduceat(values > 0.5, starts, axis=0, dtype=float))


def test_monte_carlo_refuses_geometric_zscores():
    space = _space(draws=20, normalisations=("zscore",))
    scores = np.random.default_rng(0).random((1, 10, 5))
    with pytest.raises(ValueError, match="z-scores"):
        scale.monte_carlo(scores, [("full", 12, 1, "zscore")], np.array(["A"] * 10), space, 1)


# --------------------------------------------------------------------------- benchmarks


def test_synthetic_generator_writes_canonical_events(tmp_path):
    out = tmp_path / "events.parquet"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "synthetic.py"), "--events", "400", "--seed", "3",
         "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    events = pd.read_parquet(out)
    validate_source_events(events, str(out))
    n = events["participants"].str.count(";") + 1
    assert n.between(2, 8).all() and (n == events["n_participants"]).all()
    years = events["date_start"].str[:4].astype(int)
    assert years.between(1991, 2025).all()
    again = tmp_path / "again.parquet"
    subprocess.run(
        [sys.executable, str(BENCH / "synthetic.py"), "--events", "400", "--seed", "3",
         "--out", str(again)],
        check=True, capture_output=True,
    )  # fmt: skip
    pd.testing.assert_frame_equal(pd.read_parquet(again), events)


def _result_line(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, stdout
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.mark.parametrize(
    ("script", "figure_line"),
    [
        ("bench_panel.py", "tiesmap.index.scale"),
        ("bench_models.py", "tiesmap      :"),
        ("bench_counts.py", "  tiesmap :"),
        ("bench_sensitivity.py", "tiesmap.index.scale.monte_carlo"),
        ("bench_sipri_read.py", None),
        ("bench_pilot_build.py", "snakemake -n on the pilot"),
    ],
)
def test_benchmark_smoke_runs(script, figure_line):
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), "--smoke"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = _result_line(proc.stdout)
    if result.get("skipped"):
        assert "SKIP" in proc.stdout
        pytest.skip(next(line for line in proc.stdout.splitlines() if "SKIP" in line))
    # every script exits 1 when a peer's output differs from tiesmap's
    assert result.get("outputs_equal", True) is True
    assert result["figure"] > 0 and "baseline" in result and "ratio" in result
    if figure_line:
        assert any(line.startswith(figure_line) for line in proc.stdout.splitlines())
    else:
        assert "tiesmap.sources.sipri.ingest" in proc.stdout


def test_run_all_writes_results_json(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), "--smoke", "--only", "bench_sipri_read.py",
         "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert {"cpu", "cores", "ram_gb", "python", "packages"} <= set(report["machine"])
    assert report["benchmarks"]["bench_sipri_read.py"]["result"]["benchmark"] == "sipri_read"


def test_same_shape_workflow_has_the_pilots_jobs_and_files(tmp_path):
    """The no-op benchmark's bare workflow: one rule per job of a detailed summary,
    with that job's files (a file named twice once; removed temp files as temp),
    planned by Snakemake with nothing to do once built."""
    sys.path.insert(0, str(BENCH))
    try:
        import bench_pilot_build as bench
    finally:
        sys.path.remove(str(BENCH))
    head = "output_file\tdate\trule\tlog-file(s)\tinput-file(s)\tshellcmd\tstatus\tplan"
    rows = [
        "a.csv\t-\tmake_a\tlogs/a.log\tsrc/x.txt,code.py\tcmd\tok\tno update",
        "a.csv\t-\tmake_a\tlogs/a.log\tsrc/x.txt,code.py\tcmd\tok\tno update",
        "part.npy\t-\tmake_a\tlogs/a.log\tsrc/x.txt,code.py\tcmd\tremoved temp file\tno update",
        "b.csv\t-\tmake_b\t-\ta.csv,part.npy\tcmd\tok\tno update",
    ]
    jobs = bench.dag_jobs("\n".join([head, *rows]))
    assert jobs == [
        {"output": ["a.csv"], "temp": ["part.npy"], "input": ["src/x.txt", "code.py"],
         "log": ["logs/a.log"]},
        {"output": ["b.csv"], "temp": [], "input": ["a.csv", "part.npy"], "log": []},
    ]  # fmt: skip
    text = bench.same_shape_snakefile(jobs)
    assert "'src/x.txt'" in text and "temp('part.npy')" in text
    with pytest.raises(ValueError, match="braces"):
        bench.same_shape_snakefile([{**jobs[0], "input": ["src/{x}.txt"]}])
    (tmp_path / "Snakefile").write_text(text, encoding="utf-8")
    (tmp_path / "src").mkdir()
    for source in ("src/x.txt", "code.py"):
        (tmp_path / source).touch()
    smk = [sys.executable, "-m", "snakemake", "--cores", "1"]
    subprocess.run(smk, cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "b.csv").exists() and not (tmp_path / "part.npy").exists()
    plan = subprocess.run([*smk, "-n"], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert "Nothing to be done" in plan.stdout + plan.stderr
