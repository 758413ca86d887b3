"""Citations travel with the data: adapters and add_* verbs carry their BibTeX keys,
and the bibliography of a build lists exactly the datasets it used."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from tiesmap.cli import main
from tiesmap.codings.manifest import load_manifest
from tiesmap.core.config import EXTERNAL_COVARIATES
from tiesmap.index import covariates
from tiesmap.models.external_covariates import covariate_cites
from tiesmap.report.references import used_citations
from tiesmap.sources.citations import (
    BASE,
    ENTRIES,
    bibliography,
    entry,
    source_cites,
)
from tiesmap.sources.registry import EVENT_SOURCES

ROOT = Path(__file__).resolve().parents[1]


def _keys(bib: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M)


def test_every_add_verb_carries_its_citation():
    verbs = [
        f for n, f in inspect.getmembers(covariates, inspect.isfunction) if n.startswith("add_")
    ]
    assert len(verbs) >= 15
    for verb in verbs:
        assert isinstance(verb.cites, tuple), verb.__name__
        for key in verb.cites:
            entry(key)
    assert covariates.add_contiguity.cites == ("miller2022peacesciencer", "ps_cow_contdir")
    assert covariates.add_sanctions.cites == ("felbermayr2020gsdb", "kirilakha2021gsdb")
    assert covariates.add_war_partner.cites == ()  # config only, no dataset


def test_every_source_and_covariate_of_the_manifest_has_a_citation():
    manifest = load_manifest(ROOT / "data/raw/MANIFEST.yaml")
    adapters = {e.adapter for e in manifest if e.adapter in EVENT_SOURCES}
    assert adapters == set(EVENT_SOURCES)
    for source in EVENT_SOURCES:
        assert source_cites(source), source
    for name in EXTERNAL_COVARIATES:
        assert covariate_cites(name), name
    assert source_cites("gdelt") == ("leetaru2013gdelt",)
    assert source_cites("icews") == ("boschee2015icews",)


def test_pilot_without_optional_sources_cites_the_codings_and_code_lists():
    assert used_citations([], []) == list(BASE)
    assert _keys(bibliography(BASE)) == list(BASE)


def test_used_sources_and_covariates_are_cited_once_each():
    keys = used_citations(
        ["sipri", "mme"],
        ["peacesciencer_cow_contdir", "peacesciencer_cow_nmc", "unga_ideal_points"],
    )
    assert keys == [
        *BASE,
        "dorazio2021mme",
        "sipri_atdb",
        "miller2022peacesciencer",
        "ps_cow_contdir",
        "ps_cow_nmc",
        "bailey2017unga",
    ]
    bib = bibliography(keys)
    assert _keys(bib) == keys
    assert "Stinnett, Douglas M." in bib  # the contiguity table's own reference
    assert bib.count("{") == bib.count("}")


def test_bibtex_special_characters_are_escaped():
    bib = entry("aiddata_publicdiplomacy").bibtex()
    assert "William \\& Mary" in bib
    for key in ENTRIES:
        text = entry(key).bibtex()
        assert not re.search(r"(?<!\\)[&%#]", text), key


def test_references_command_writes_the_bibliography(tmp_path, capsys):
    out = tmp_path / "references_data.bib"
    assert (
        main(
            ["references", "--sources", "jme", "--covariates", "gsdb_sanctions", "--out", str(out)]
        )
        == 0
    )
    assert _keys(out.read_text(encoding="utf-8")) == [
        *BASE,
        "dorazio_jme",
        "felbermayr2020gsdb",
        "kirilakha2021gsdb",
    ]
    assert "wrote 7 data citations" in capsys.readouterr().out


def test_unknown_key_is_refused():
    with pytest.raises(KeyError):
        entry("no_such_dataset")
