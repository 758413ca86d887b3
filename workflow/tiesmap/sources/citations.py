"""Citations travel with the data: every adapter module and every add_* covariate verb
names the BibTeX keys of what it reads (`CITES` on a module, `@cites(...)` on a
verb), and `used_citations` collects the keys of what a build used, so the paper's
bibliography lists every dataset behind its numbers (as peacesciencer's
`ps_cite()` does for its data).

The entries are written from each dataset's own citation request (the manifest's
`citation` field, the providers' pages) and, for the tables bundled in
peacesciencer, from the package's .Rd files as transcribed in
`tiesmap.sources.peacesciencer.CITATIONS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Entry:
    """One BibTeX entry: its type, key and fields (written in this order)."""

    kind: str
    key: str
    fields: tuple[tuple[str, str], ...]

    def bibtex(self) -> str:
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in self.fields)
        return f"@{self.kind}{{{self.key},\n{body}\n}}\n"


def _entry(kind: str, key: str, **fields: str) -> Entry:
    return Entry(kind, key, tuple(fields.items()))


ENTRIES: dict[str, Entry] = {
    e.key: e
    for e in (
        _entry(
            "misc",
            "tiesmap2026codings",
            author="Mokry, Sabine",
            title="Pilot codings of security-related events between {China}, {Russia}, {Iran} "
            "and {North Korea}, 2005--2025",
            year="2026",
            note="Hand codings with their public sources, coded by AI coding assistants under the researcher's codebook; version pilot; CC-BY-4.0",
        ),
        _entry(
            "misc",
            "cowstates2016",
            author="{Correlates of War Project}",
            title="{State System Membership List}, v2016",
            year="2017",
            url="https://correlatesofwar.org/data-sets/state-system-membership/",
        ),
        _entry(
            "article",
            "gleditsch1999",
            author="Gleditsch, Kristian S. and Ward, Michael D.",
            title="A Revised List of Independent States since the {Congress of Vienna}",
            journal="International Interactions",
            volume="25",
            number="4",
            pages="393--413",
            year="1999",
        ),
        _entry(
            "article",
            "stadler2017coco",
            author="Stadler, Konstantin",
            title="The country converter coco -- a {Python} package for converting "
            "country names between different classification schemes",
            journal="The Journal of Open Source Software",
            volume="2",
            number="16",
            pages="332",
            year="2017",
            doi="10.21105/joss.00332",
        ),
        _entry(
            "misc",
            "sipri_atdb",
            author="{Stockholm International Peace Research Institute}",
            title="{SIPRI Arms Transfers Database}",
            year="2026",
            note="Trade register, data generated 18 May 2026",
            url="https://www.sipri.org/databases/armstransfers",
        ),
        _entry(
            "misc",
            "dorazio2021mme",
            author="D'Orazio, Vito and Galambos, A.",
            title="{Multinational Military Exercises} dataset, version 7",
            year="2021",
            note="As distributed in the troopdata R package (data-raw/mme\\_v7.csv)",
        ),
        _entry(
            "misc",
            "dorazio_jme",
            author="D'Orazio, Vito",
            title="{Joint Military Exercises} dataset, version 3",
            note="Coder sheet as distributed in the troopdata R package (data-raw/jme\\_v3.xls)",
        ),
        _entry(
            "misc",
            "chinavitae",
            author="{Carnegie Endowment for International Peace}",
            title="{China Vitae}: activity logs of {Chinese} leaders, 2003--2018",
            note="Compiled by G. B. Walker, github.com/gbwalker/chinese-diplomacy-and-financing; "
            "scrape of 9 December 2018",
            year="2018",
        ),
        _entry(
            "misc",
            "aiddata_publicdiplomacy",
            author="{AidData at William \\& Mary}",
            title="{China's Public Diplomacy Dashboard Dataset}, Version 2.0",
        ),
        _entry(
            "inproceedings",
            "leetaru2013gdelt",
            author="Leetaru, Kalev and Schrodt, Philip A.",
            title="{GDELT}: {Global Data on Events, Location and Tone}, 1979--2012",
            booktitle="International Studies Association Annual Convention",
            year="2013",
        ),
        _entry(
            "misc",
            "boschee2015icews",
            author="Boschee, Elizabeth and Lautenschlager, Jennifer and O'Brien, Sean and "
            "Shellman, Steve and Starz, James and Ward, Michael",
            title="{ICEWS Coded Event Data}",
            howpublished="Harvard Dataverse",
            year="2015",
            doi="10.7910/DVN/28075",
        ),
        _entry(
            "article",
            "miller2022peacesciencer",
            author="Miller, Steven V.",
            title="peacesciencer: An {R} Package for Quantitative Peace Science Research",
            journal="Conflict Management and Peace Science",
            volume="39",
            number="6",
            pages="755--779",
            year="2022",
        ),
        _entry(
            "article",
            "bailey2017unga",
            author="Bailey, Michael A. and Strezhnev, Anton and Voeten, Erik",
            title="Estimating Dynamic State Preferences from {United Nations} Voting Data",
            journal="Journal of Conflict Resolution",
            volume="61",
            number="2",
            pages="430--456",
            year="2017",
        ),
        _entry(
            "article",
            "felbermayr2020gsdb",
            author="Felbermayr, Gabriel and Kirilakha, Aleksandra and Syropoulos, "
            "Constantinos and Yalcin, Erdal and Yotov, Yoto V.",
            title="The {Global Sanctions Data Base}",
            journal="European Economic Review",
            volume="129",
            pages="103561",
            year="2020",
        ),
        _entry(
            "incollection",
            "kirilakha2021gsdb",
            author="Kirilakha, Aleksandra and Felbermayr, Gabriel and Syropoulos, "
            "Constantinos and Yalcin, Erdal and Yotov, Yoto V.",
            title="The {Global Sanctions Data Base (GSDB)}: An Update that Includes the "
            "Years of the {Trump} Presidency",
            booktitle="Research Handbook on Economic Sanctions",
            editor="van Bergeijk, Peter A. G.",
            publisher="Edward Elgar",
            address="Cheltenham",
            year="2021",
        ),
    )
}


def _escape(text: str) -> str:
    for char in ("&", "%", "$", "#", "_"):
        text = text.replace(char, "\\" + char)
    return text


def peacesciencer_entry(table: str) -> Entry:
    """The entry of one peacesciencer table: its title and the references its .Rd
    file gives (tiesmap.sources.peacesciencer.CITATIONS)."""
    from tiesmap.sources.peacesciencer import CITATIONS

    spec = CITATIONS[table]
    refs = " ".join(_escape(str(r)) for r in spec["references"])  # type: ignore[union-attr]
    return _entry(
        "misc",
        f"ps_{table}",
        title="{" + _escape(str(spec["title"])) + "}",
        note=f"Version {_escape(str(spec['version']))}, via the peacesciencer R package. {refs}",
    )


def entry(key: str) -> Entry:
    """The entry for `key`: a fixed entry, or 'ps_<table>' for a peacesciencer table."""
    if key in ENTRIES:
        return ENTRIES[key]
    if key.startswith("ps_"):
        return peacesciencer_entry(key[3:])
    raise KeyError(f"no citation entry {key!r}")


def cites(*keys: str) -> Callable[[F], F]:
    """Decorator: the BibTeX keys of the data a function adds (its `cites` attribute)."""
    for key in keys:
        entry(key)  # fail at import on an unknown key

    def mark(func: F) -> F:
        func.cites = tuple(keys)  # type: ignore[attr-defined]
        return func

    return mark


# Always used: the hand codings, and the code lists behind ISO3 -> COW/GW codes.
BASE = ("tiesmap2026codings", "stadler2017coco", "cowstates2016", "gleditsch1999")
# Event source (registry name) -> adapter module.
ADAPTER_MODULES = {
    "sipri": "sipri",
    "mme": "mme",
    "jme": "jme",
    "china_vitae": "china_vitae",
    "gdelt": "eventdata",
    "icews": "eventdata",
    "aiddata": "aiddata",
}


def source_cites(source: str) -> tuple[str, ...]:
    """Keys cited by an event source's adapter (`CITES`, or `CITES_<SOURCE>` when
    one module reads several sources)."""
    module = importlib.import_module(f"tiesmap.sources.{ADAPTER_MODULES[source]}")
    return tuple(getattr(module, f"CITES_{source.upper()}", None) or module.CITES)


def bibliography(keys: Iterable[str]) -> str:
    """BibTeX text of `keys`, in the given order."""
    header = (
        "% Data citations of the sources this build used; generated by "
        "`tiesmap references` from the adapters' and covariate verbs' citations.\n\n"
    )
    return header + "\n".join(entry(k).bibtex() for k in keys)
