"""The availability statement's facts: inputs with checksums, software, commit."""

from pathlib import Path

from tiesmap.codings.manifest import load_manifest
from tiesmap.report.replication import (
    commit_of,
    inputs_table,
    replication_macros,
    software_versions,
)

ROOT = Path(__file__).resolve().parents[1]


def test_inputs_table_lists_every_manifest_entry_with_its_checksum():
    entries = load_manifest(ROOT / "data/raw/MANIFEST.yaml")
    table = inputs_table(entries, present={"sipri_trade_register"})
    for e in entries:
        assert e.sha256[:16] in table
    sipri = next(line for line in table.splitlines() if line.startswith("sipri trade register"))
    assert sipri.endswith("& yes \\\\") and "third party" in sipri
    absent = next(line for line in table.splitlines() if line.startswith("mme"))
    assert absent.endswith("& no \\\\")


def test_macros_count_inputs_and_name_versions():
    entries = load_manifest(ROOT / "data/raw/MANIFEST.yaml")
    v = replication_macros("3.11.2", {"pandas": "2.3.3"}, "abc123", entries)
    assert v["SoftwarePython"] == "3.11.2" and v["SoftwarePandas"] == "2.3.3"
    assert int(v["NInputsProvided"]) == sum(e.provided for e in entries)
    assert int(v["NInputsThirdParty"]) == sum(not e.provided for e in entries)


def test_versions_of_installed_and_missing_packages():
    v = software_versions(("pandas", "no-such-distribution-here"))
    assert v["pandas"][0].isdigit() and v["no-such-distribution-here"] == "unknown"


def test_commit_outside_a_checkout_is_unrecorded(tmp_path):
    assert commit_of(tmp_path) == "unrecorded"
