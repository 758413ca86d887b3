"""The Monte Carlo split into jobs (sensitivity.jobs parts and a gather) gives the
one-job result exactly: the same values and, through the command line, the same
file bytes, so a SLURM cluster can spread the draws without changing a number."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tiesmap.cli import main
from tiesmap.index import scale
from tiesmap.index.sensitivity import Space

from .test_scale import random_events

ROOT = Path(__file__).resolve().parents[2]
SPACE = Space(
    normalisations=("minmax", "rank", "minmax_log1p"),
    aggregations=("arithmetic", "geometric"),
    multilateral_weights=("full", "inverse", "excluded"),
    min_interactions=(1, 2),
    window_months=(12, 24),
    dirichlet_alpha=1.0,
    draws=257,
)


def _scores(seed: int, rows: int = 997) -> tuple[np.ndarray, np.ndarray]:
    """Random scores of every scenario of SPACE, with an uncollected area and rows
    with no area, and dyads of 7 rows (so dyads straddle the blocks)."""
    rng = np.random.default_rng(seed)
    n_scen = len(scale.scenario_labels(SPACE))
    scores = rng.random((n_scen, rows, 5)) * (rng.random((n_scen, rows, 5)) < 0.5)
    scores[:, :40, 4] = np.nan
    scores[:, 100:103, :] = np.nan
    dyads = np.repeat(np.array([f"D{i:03d}" for i in range(rows // 7 + 1)]), 7)[:rows]
    return scores, dyads


def _split(scores, dyads, parts: int, seed: int, block_values: int, threads: int = 1):
    results = []
    for part in range(parts):
        own = scale.part_scenarios(SPACE, part, parts)
        results.append(
            scale.monte_carlo_part(
                scores[own.start : own.stop], own, SPACE, seed, block_values, threads
            )
        )
    return results, scale.monte_carlo_gather(
        results, dyads, SPACE, seed, block_values=block_values, threads=threads
    )


@pytest.mark.parametrize("parts", [1, 2, 3, 12])
def test_split_equals_one_job_exactly(parts):
    scores, dyads = _scores(3)
    one_job = scale.monte_carlo(scores, scale.scenario_labels(SPACE), dyads, SPACE, 5, 9_000)
    results, split = _split(scores, dyads, parts, 5, 9_000, threads=2)
    # Every draw is in exactly one part.
    assert sum(values.shape[1] for values, _, _ in results) == SPACE.draws
    for got, expected in zip(split, one_job, strict=True):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_parts_own_whole_tie_rules_in_order():
    n_norm, n_triples = len(SPACE.normalisations), len(scale.scenario_triples(SPACE))
    ranges = [scale.part_scenarios(SPACE, p, 5) for p in range(5)]
    assert ranges[0].start == 0 and ranges[-1].stop == n_triples * n_norm
    assert all(a.stop == b.start for a, b in zip(ranges, ranges[1:], strict=False))
    assert all(r.start % n_norm == 0 and len(r) > 0 for r in ranges)
    with pytest.raises(ValueError, match=f"1..{n_triples}"):
        scale.part_scenarios(SPACE, 0, n_triples + 1)


def test_a_part_scores_only_its_tie_rules(codebook):
    events = random_events(4, n_events=120, max_n=3)
    counts = scale.count_dyads(events, frozenset())
    dyads = ["CHN-RUS", "IRN-RUS", "CHN-IRN"]
    panel = scale.panel_from_counts(counts, dyads, 2010, 2016, codebook, None, "full")
    every, labels = scale.scenario_scores(panel, counts, SPACE, True)
    own = scale.part_scenarios(SPACE, 1, 3)
    part, part_labels = scale.scenario_scores(panel, counts, SPACE, True, scenarios=own)
    assert part_labels == labels[own.start : own.stop]
    np.testing.assert_array_equal(part, every[own.start : own.stop])


@pytest.fixture
def sensitivity_inputs(tmp_path, monkeypatch):
    """A small config (300 draws), events and a linking report, in a folder, with the
    working directory at the project root (the config names config/codebook.yaml)."""
    monkeypatch.chdir(ROOT)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["sensitivity"]["draws"] = 300
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    random_events(9, n_events=150).to_parquet(tmp_path / "events.parquet")
    (tmp_path / "linking.json").write_text(json.dumps({"records_in": {}}), encoding="utf-8")
    common = [
        "--config",
        str(tmp_path / "config.yaml"),
        "--events",
        str(tmp_path / "events.parquet"),
    ]
    return tmp_path, [*common, "--linking", str(tmp_path / "linking.json")]


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_split_commands_write_the_one_job_files_byte_for_byte(sensitivity_inputs, parts):
    folder, inputs = sensitivity_inputs
    one = [folder / "one_rows.csv", folder / "one_ranks.csv"]
    assert main(["sensitivity", *inputs, "--out", str(one[0]), "--ranks", str(one[1])]) == 0
    values, rows = [], []
    for part in range(parts):
        values.append(str(folder / f"part{part}.npy"))
        rows.append(str(folder / f"part{part}.parquet"))
        argv = ["sensitivity-part", *inputs, "--part", str(part), "--parts", str(parts)]
        assert main([*argv, "--values", values[-1], "--rows", rows[-1]]) == 0
    split = [folder / "split_rows.csv", folder / "split_ranks.csv"]
    argv = ["sensitivity-gather", "--config", inputs[1], "--values", *values, "--rows", *rows]
    assert main([*argv, "--out", str(split[0]), "--ranks", str(split[1]), "--threads", "2"]) == 0
    for a, b in zip(split, one, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert len(pd.read_csv(one[0])) > 0 and pd.read_csv(one[1])["rank_median"].notna().all()


def test_too_many_jobs_is_bad_input_naming_the_key(sensitivity_inputs, capsys):
    folder, inputs = sensitivity_inputs
    argv = ["sensitivity-part", *inputs, "--part", "0", "--parts", "28"]
    out = ["--values", str(folder / "p.npy"), "--rows", str(folder / "p.parquet")]
    assert main([*argv, *out]) == 2
    err = capsys.readouterr().err
    assert "sensitivity.jobs" in err and "1..27" in err
