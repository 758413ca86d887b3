"""R reads the released data: the .rds files with base R's readRDS and the .dta
files with haven, checked against the CSV files (row counts, key columns, factor
levels and Stata value labels).

Locally the test skips where Rscript (or haven) is missing; under CI=true it fails
instead (.ci/run installs Debian's r-base-core, r-cran-haven and r-cran-jsonlite first).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tiesmap.core.codebook import load_codebook
from tiesmap.index.export import export_panel

from .test_exports import EVENTS, _panel

ROOT = Path(__file__).resolve().parents[1]

R_SCRIPT = r"""
library(haven)
library(jsonlite)
args <- commandArgs(trailingOnly = TRUE)
out <- list()
for (name in c("tie_index", "directed_dyad_year", "events")) {
  rds <- readRDS(file.path(args[1], paste0(name, ".rds")))
  dta <- read_dta(file.path(args[1], paste0(name, ".dta")))
  labelled <- Filter(function(x) !is.null(attr(x, "labels")), dta)
  out[[name]] <- list(
    rds_rows = nrow(rds), dta_rows = nrow(dta),
    rds_columns = names(rds), dta_columns = names(dta),
    rds_first = lapply(rds[1, , drop = FALSE], as.character),
    factor_levels = lapply(Filter(is.factor, rds), levels),
    value_labels = lapply(labelled, function(x) {
      l <- attr(x, "labels"); as.list(setNames(names(l), as.character(l)))
    }),
    variable_labels = lapply(dta, function(x) attr(x, "label"))
  )
}
cat(toJSON(out, auto_unbox = TRUE))
"""


def _rscript() -> str:
    """Rscript with haven, or skip (locally) / fail (CI) with the reason."""
    exe = shutil.which("Rscript")
    reason = None
    if exe is None:
        reason = "Rscript is not installed (Debian: apt-get install r-base-core r-cran-haven r-cran-jsonlite)"
    else:
        check = subprocess.run(
            [exe, "-e", "library(haven); library(jsonlite)"], capture_output=True, text=True
        )
        if check.returncode != 0:
            reason = (
                "the R packages haven and jsonlite are not installed "
                "(Debian: apt-get install r-cran-haven r-cran-jsonlite)"
            )
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; .ci/run installs it")
        pytest.skip(reason)
    return exe


def test_r_reads_rds_and_dta_like_the_csv(tmp_path):
    exe = _rscript()
    codebook = load_codebook(ROOT / "config/codebook.yaml")
    data = tmp_path / "data"
    export_panel(_panel(), data, events=EVENTS, analysis_events=EVENTS, codebook=codebook)
    script = tmp_path / "read.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    run = subprocess.run([exe, str(script), str(data)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    for name, keys in {
        "tie_index": ["dyad", "year", "ccode1", "ccode2", "gwno1", "gwno2"],
        "directed_dyad_year": ["supplier", "recipient", "year", "ccode1", "ccode2"],
        "events": ["event_id", "activity", "area", "level"],
    }.items():
        csv = pd.read_csv(data / f"{name}.csv", keep_default_na=False, dtype=str)
        r = got[name]
        assert r["rds_rows"] == r["dta_rows"] == len(csv), name
        assert r["rds_columns"] == r["dta_columns"] == list(csv.columns), name
        for key in keys:
            value = csv[key].iloc[0]
            assert r["rds_first"][key] in (value, value.removesuffix(".0")), (name, key)
        for column in r["dta_columns"]:
            assert r["variable_labels"][column], (name, column)  # every variable labelled
    events = got["events"]
    assert events["factor_levels"]["activity"] == list(codebook.activities)
    assert events["factor_levels"]["level"] == list(codebook.levels)
    assert events["value_labels"]["area"] == {
        "1": "contacts",
        "2": "regime_security",
        "3": "war_preparation",
        "4": "missions_outside_war",
        "5": "wartime_support",
    }
    assert events["value_labels"]["provisional"] == {"0": "no", "1": "yes"}
    assert got["tie_index"]["value_labels"]["uncollected_wartime_support"] == {
        "0": "no",
        "1": "yes",
    }
    assert got["tie_index"]["variable_labels"]["gwno1"].startswith("Gleditsch-Ward")
