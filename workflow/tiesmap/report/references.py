"""The data citations of one build: what `tiesmap references` writes to BibTeX.

The keys come from two stages: each event source's adapter (tiesmap.sources) and
each external covariate's join verb (tiesmap.models.external_covariates); the
entries themselves are in tiesmap.sources.citations.
"""

from __future__ import annotations

from collections.abc import Iterable

from tiesmap.models.external_covariates import covariate_cites
from tiesmap.sources.citations import BASE, source_cites


def used_citations(sources: Iterable[str], covariates: Iterable[str]) -> list[str]:
    """Keys of everything a build used, in a fixed order (base, sources, covariates),
    each once."""
    keys = list(BASE)
    for source in sorted(sources):
        keys += source_cites(source)
    for name in sorted(covariates):
        keys += covariate_cites(name)
    return list(dict.fromkeys(keys))
