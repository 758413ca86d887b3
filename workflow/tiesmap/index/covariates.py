"""Dyad-year covariates, added by small verbs that check the unit of analysis.

Each `add_*` verb takes the dyad-year panel (`dyad` "AAA-BBB" in ISO3 alphabetical
order, `year`, `state_a`, `state_b`) and returns it with new columns, refusing a panel
whose (dyad, year) keys repeat: a silent many-to-one join would duplicate observations
and bias every model. Verbs that join a covariate table (peacesciencer-style, one verb
per concept) also refuse a table whose keys repeat, naming the duplicate; join left
without ever changing the panel's rows; and leave what the table does not cover as NaN,
never 0.

Two kinds of covariate tables:
- state-year (`iso3, year, ...`): joined once for each state, giving `<col>_a`, `<col>_b`;
- dyad-year (`dyad, year, ...`, non-directed, as from `tiesmap.sources.peacesciencer`).

Sources that list only events (alliances, disputes, contiguity, sanctions) are complete
for their years: a dyad-year (or state-year) absent from them within `coverage`
(default: the table's first to last year) is 0, outside it NaN.

Each verb carries the BibTeX keys of the data it adds (`verb.cites`, set by
`tiesmap.sources.citations.cites`; empty for verbs that use only the config); the texts are in
`tiesmap.sources.citations`, from `tiesmap.sources.peacesciencer.CITATIONS`,
`tiesmap.sources.unga.CITATION` and `tiesmap.sources.gsdb.CITATION`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from tiesmap.sources.citations import cites
from tiesmap.sources.unga import DEFAULT_MEASURE, ideal_point_distance

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def check_dyad_year_unit(panel: pd.DataFrame) -> None:
    """Raise when the panel is not one row per (dyad, year)."""
    missing = {"dyad", "year", "state_a", "state_b"} - set(panel.columns)
    if missing:
        raise ValueError(f"panel lacks dyad-year columns: {sorted(missing)}")
    dup = panel.duplicated(["dyad", "year"])
    if dup.any():
        first = panel.loc[dup, ["dyad", "year"]].iloc[0].tolist()
        raise ValueError(f"panel has {int(dup.sum())} duplicate dyad-years, e.g. {first}")


@cites()
def add_war_partner(panel: pd.DataFrame, wars: list[dict[str, Any]]) -> pd.DataFrame:
    """`war_partner` = 1 when either state fights a configured war during the year."""
    check_dyad_year_unit(panel)
    flag = pd.Series(0, index=panel.index)
    for war in wars:
        first = date.fromisoformat(war["start"]).year
        last = date.fromisoformat(war["end"]).year if war["end"] else 9999
        member = (panel["state_a"] == war["state"]) | (panel["state_b"] == war["state"])
        flag |= (member & panel["year"].between(first, last)).astype(int)
    return panel.assign(war_partner=flag.astype(int))


@cites()
def add_comembership(
    panel: pd.DataFrame, memberships: dict[str, dict[str, int]], organisation: str, column: str
) -> pd.DataFrame:
    """`column` = 1 when both states belong to `organisation` in the year."""
    check_dyad_year_unit(panel)
    joined = memberships.get(organisation, {})
    year_a = panel["state_a"].map(joined)
    year_b = panel["state_b"].map(joined)
    both = (year_a <= panel["year"]) & (year_b <= panel["year"])
    return panel.assign(**{column: both.astype(int)})


@cites()
def add_model_covariates(panel: pd.DataFrame, config: dict[str, Any]) -> pd.DataFrame:
    """The covariates derivable from the project's own config (wars, memberships)."""
    panel = add_war_partner(panel, config["wars"])
    return add_comembership(panel, config["memberships"], "SCO", "sco_comembers")


# ---------------------------------------------------------------------------------------
# Joining covariate tables
# ---------------------------------------------------------------------------------------
STATE_KEYS = ("iso3", "year")
DYAD_KEYS = ("dyad", "year")


def refuse_duplicate_keys(table: pd.DataFrame, keys: Sequence[str], name: str) -> None:
    """Raise ValueError naming the first repeated key of a covariate table."""
    missing = [k for k in keys if k not in table.columns]
    if missing:
        raise ValueError(f"{name} table lacks key columns {missing}")
    dup = table.duplicated(list(keys))
    if dup.any():
        first = tuple(_plain(v) for v in table.loc[dup, list(keys)].iloc[0])
        raise ValueError(
            f"{name} table has {int(dup.sum())} duplicate ({', '.join(keys)}) keys, e.g. {first}"
        )


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value, so messages read ('CHN', 2010)."""
    return value.item() if isinstance(value, np.generic) else value


def _require(table: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} table lacks columns {missing}")


def _coverage(table: pd.DataFrame, coverage: tuple[int, int] | None) -> tuple[int, int]:
    if coverage is not None:
        return int(coverage[0]), int(coverage[1])
    if table.empty:
        raise ValueError("an empty covariate table needs an explicit coverage")
    return int(table["year"].min()), int(table["year"].max())


def _lookup(
    left: pd.DataFrame,
    table: pd.DataFrame,
    keys: Sequence[str],
    columns: Sequence[str],
    coverage: tuple[int, int] | None,
) -> dict[str, np.ndarray]:
    """Values of `columns` for each row of `left`; with `coverage`, rows the table does
    not list are 0 inside the coverage years (NaN outside)."""
    right = table[[*keys, *columns]].astype({"year": "int64"})
    left = left.astype({"year": "int64"})
    joined = left.merge(right, on=list(keys), how="left", validate="m:1", indicator=True)
    assert len(joined) == len(left), "a left join changed the number of panel rows"
    values = {c: joined[c].to_numpy(dtype=float) for c in columns}
    if coverage is not None:
        absent = (joined["_merge"] == "left_only").to_numpy()
        inside = left["year"].between(*coverage).to_numpy()
        for column, array in values.items():
            values[column] = np.where(absent & inside, 0.0, array)
    return values


def _state_values(
    panel: pd.DataFrame,
    table: pd.DataFrame,
    columns: Sequence[str],
    name: str,
    coverage: tuple[int, int] | None = None,
) -> dict[str, np.ndarray]:
    """`<column>_a` and `<column>_b` from a state-year table, aligned with the panel."""
    _require(table, [*STATE_KEYS, *columns], name)
    refuse_duplicate_keys(table, STATE_KEYS, name)
    out: dict[str, np.ndarray] = {}
    for side in ("a", "b"):
        left = pd.DataFrame(
            {"iso3": panel[f"state_{side}"].to_numpy(), "year": panel["year"].to_numpy()}
        )
        for column, array in _lookup(left, table, STATE_KEYS, columns, coverage).items():
            out[f"{column}_{side}"] = array
    return out


def _dyad_values(
    panel: pd.DataFrame,
    table: pd.DataFrame,
    columns: Sequence[str],
    name: str,
    coverage: tuple[int, int] | None = None,
) -> dict[str, np.ndarray]:
    """`columns` from a non-directed dyad-year table, aligned with the panel."""
    _require(table, [*DYAD_KEYS, *columns], name)
    refuse_duplicate_keys(table, DYAD_KEYS, name)
    left = pd.DataFrame({"dyad": panel["dyad"].to_numpy(), "year": panel["year"].to_numpy()})
    return _lookup(left, table, DYAD_KEYS, columns, coverage)


def _assign(panel: pd.DataFrame, new: dict[str, Any]) -> pd.DataFrame:
    clash = sorted(set(new) & set(panel.columns))
    if clash:
        raise ValueError(f"panel already has columns {clash}; drop them before adding again")
    out = panel.assign(**new)
    assert len(out) == len(panel), "adding covariates changed the number of panel rows"
    return out


def carry_forward(table: pd.DataFrame, keys: Sequence[str], through: int) -> pd.DataFrame:
    """Repeat the last row of every key observed in the table's final year for each later
    year up to `through` (an explicit assumption: nothing changed after the data end)."""
    last_year = int(table["year"].max())
    if through <= last_year:
        return table
    final = table[table["year"] == last_year]
    n = through - last_year
    extra = final.iloc[np.repeat(np.arange(len(final)), n)].copy()
    extra["year"] = np.tile(np.arange(last_year + 1, through + 1), len(final))
    out = pd.concat([table, extra], ignore_index=True)
    return out.sort_values([*keys, "year"], ignore_index=True)


# ---------------------------------------------------------------------------------------
# Verbs
# ---------------------------------------------------------------------------------------
@cites("miller2022peacesciencer", "ps_cow_capitals")
def add_capital_distance(
    panel: pd.DataFrame, capitals: pd.DataFrame, *, carry_forward_to: int | None = None
) -> pd.DataFrame:
    """`capital_distance_km`: great-circle (haversine) distance between the two capitals,
    from a state-year capitals table (`iso3, year, lat, lng`, e.g. `read_capitals`)."""
    check_dyad_year_unit(panel)
    _require(capitals, [*STATE_KEYS, "lat", "lng"], "capitals")
    refuse_duplicate_keys(capitals, STATE_KEYS, "capitals")
    if carry_forward_to is not None:
        capitals = carry_forward(capitals, ["iso3"], carry_forward_to)
    v = _state_values(panel, capitals, ["lat", "lng"], "capitals")
    lat_a, lat_b = np.radians(v["lat_a"]), np.radians(v["lat_b"])
    dlat = lat_b - lat_a
    dlng = np.radians(v["lng_b"] - v["lng_a"])
    h = np.sin(dlat / 2) ** 2 + np.cos(lat_a) * np.cos(lat_b) * np.sin(dlng / 2) ** 2
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return _assign(panel, {"capital_distance_km": distance})


@cites("miller2022peacesciencer", "ps_cow_mindist")
def add_min_distance(panel: pd.DataFrame, mindist: pd.DataFrame) -> pd.DataFrame:
    """`mindist_km`: minimum distance between the states on 1 January (`read_mindist`)."""
    check_dyad_year_unit(panel)
    v = _dyad_values(panel, mindist, ["mindist"], "mindist")
    return _assign(panel, {"mindist_km": v["mindist"]})


@cites("miller2022peacesciencer", "ps_cow_contdir")
def add_contiguity(
    panel: pd.DataFrame,
    contiguity: pd.DataFrame,
    *,
    coverage: tuple[int, int] | None = None,
    carry_forward_to: int | None = None,
) -> pd.DataFrame:
    """`conttype` (COW direct contiguity: 1 land, 2-5 water up to 12/24/150/400 miles,
    0 none; a category, not a scale) and `land_contiguity` (1 when conttype is 1)."""
    check_dyad_year_unit(panel)
    _require(contiguity, [*DYAD_KEYS, "conttype"], "contiguity")
    refuse_duplicate_keys(contiguity, DYAD_KEYS, "contiguity")
    lo, hi = _coverage(contiguity, coverage)
    if carry_forward_to is not None:
        contiguity = carry_forward(contiguity, ["dyad"], carry_forward_to)
        hi = max(hi, carry_forward_to)
    v = _dyad_values(panel, contiguity, ["conttype"], "contiguity", (lo, hi))
    conttype = v["conttype"]
    land = np.where(np.isnan(conttype), np.nan, (conttype == 1).astype(float))
    return _assign(panel, {"conttype": conttype, "land_contiguity": land})


@cites("miller2022peacesciencer", "ps_atop_alliance")
def add_alliance(
    panel: pd.DataFrame,
    alliances: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    coverage: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Alliance indicators (default `atop_defense`, `atop_any`; or `cow_defense`,
    `cow_any` for the COW table). Unlisted dyad-years inside the coverage are 0."""
    check_dyad_year_unit(panel)
    if columns is None:
        for pair in (("atop_defense", "atop_any"), ("cow_defense", "cow_any")):
            if set(pair) <= set(alliances.columns):
                columns = pair
                break
        else:
            raise ValueError("alliance table has neither atop_* nor cow_* columns")
    v = _dyad_values(panel, alliances, list(columns), "alliance", _coverage(alliances, coverage))
    return _assign(panel, v)


def _panel_code(ccodes: pd.Series, codes: pd.Series, states: set[str]) -> pd.Series:
    """`codes`, with a code the panel lacks replaced by the panel's code of the same
    COW state (`cow_iso3`) where the panel has that one."""
    from tiesmap.core.statesystem import cow_iso3

    foreign = ~codes.isin(states)
    if not foreign.any():
        return codes
    lookup = {int(c): cow_iso3(int(c)) for c in ccodes[foreign].unique()}
    panel = ccodes[foreign].astype(int).map(lookup)
    return codes.mask(foreign & panel.isin(states), panel).astype(str)


def in_panel_codes(table: pd.DataFrame, states: set[str]) -> pd.DataFrame:
    """A peacesciencer table with each COW state under the ISO3 code the panel uses.

    The reader splits a COW code by year (365 is SUN to 1991, 345 is YUG to 2005),
    while a panel that follows the state system keeps one continuing state
    (`tiesmap.core.statesystem.cow_iso3`: RUS, SRB). Without this, Russia's
    covariates in 1990-91 and Serbia's in 1990-2005 would find no panel state and
    read as missing. State-year tables (`ccode`, `iso3`) and dyad-year tables
    (`ccode_a`, `ccode_b`, `state_a`, `state_b`, `dyad`) are recoded; a dyad whose
    order changes is put back in alphabetical order. Other tables pass unchanged."""
    columns = set(table.columns)
    if table.empty:
        return table
    if {"ccode", "iso3"} <= columns:
        return table.assign(iso3=_panel_code(table["ccode"], table["iso3"], states))
    if not {"ccode_a", "ccode_b", "state_a", "state_b", "dyad"} <= columns:
        return table
    a = _panel_code(table["ccode_a"], table["state_a"], states)
    b = _panel_code(table["ccode_b"], table["state_b"], states)
    if a.equals(table["state_a"]) and b.equals(table["state_b"]):
        return table
    swap = a > b
    out = table.assign(
        state_a=a.where(~swap, b),
        state_b=b.where(~swap, a),
        ccode_a=table["ccode_a"].where(~swap, table["ccode_b"]),
        ccode_b=table["ccode_b"].where(~swap, table["ccode_a"]),
    )
    return out.assign(dyad=out["state_a"] + "-" + out["state_b"])


def wars_in_panel_codes(wars: pd.DataFrame, states: set[str]) -> pd.DataFrame:
    """The war table with each participant under the ISO3 code the panel uses.

    The peacesciencer reader splits a COW code by year (365 is SUN to 1991, 345 is YUG
    to 2005), while a panel that follows the state system keeps one continuing state
    (`tiesmap.core.statesystem.cow_iso3`: RUS, SRB). Without this, Yugoslavia's wars
    of 1992 and 1999 would find no panel state and Serbia's dyads would read 0."""
    if "ccode" not in wars.columns or wars.empty:
        return wars
    renamed = in_panel_codes(wars, states)
    if not renamed.duplicated(["iso3", "year"]).any():
        return renamed
    return renamed.groupby(["iso3", "year"], as_index=False, sort=True).agg(
        ccode=("ccode", "first"),
        inter_wars=("inter_wars", "sum"),
        warnums=("warnums", lambda w: ";".join(sorted(set(";".join(w).split(";")), key=int))),
    )


@cites("miller2022peacesciencer", "ps_cow_war_inter")
def add_cow_war(
    panel: pd.DataFrame, wars: pd.DataFrame, *, coverage: tuple[int, int] | None = None
) -> pd.DataFrame:
    """`cow_war` = 1 when either state fights a COW inter-state war in the year, the
    source-based counterpart of the configured `war_partner`; `inter_wars_a`, `_b` =
    how many each state fights. Inside `coverage` (default the data's 1816-2007) a
    state not listed fights none (0); outside it every value is NaN, since a war after
    the data end is unobserved, not absent."""
    from tiesmap.sources.peacesciencer import COW_WAR_YEARS

    check_dyad_year_unit(panel)
    years = coverage if coverage is not None else COW_WAR_YEARS
    wars = wars_in_panel_codes(wars, set(panel["state_a"]) | set(panel["state_b"]))
    v = _state_values(panel, wars, ["inter_wars"], "cow_war_inter", years)
    a, b = v["inter_wars_a"], v["inter_wars_b"]
    either = np.where(np.isnan(a) | np.isnan(b), np.nan, ((a > 0) | (b > 0)).astype(float))
    return _assign(panel, {"inter_wars_a": a, "inter_wars_b": b, "cow_war": either})


@cites("miller2022peacesciencer", "ps_ccode_democracy")
def add_democracy(
    panel: pd.DataFrame, democracy: pd.DataFrame, measure: str = "v2x_polyarchy"
) -> pd.DataFrame:
    """Both states' scores on `measure` (`<measure>_a`, `_b`) and the dyad's weaker and
    stronger score (`_min`, `_max`; NaN unless both are known)."""
    check_dyad_year_unit(panel)
    v = _state_values(panel, democracy, [measure], "democracy")
    a, b = v[f"{measure}_a"], v[f"{measure}_b"]
    return _assign(
        panel,
        {
            f"{measure}_a": a,
            f"{measure}_b": b,
            f"{measure}_min": np.minimum(a, b),
            f"{measure}_max": np.maximum(a, b),
        },
    )


@cites("miller2022peacesciencer", "ps_cow_nmc")
def add_cinc(panel: pd.DataFrame, nmc: pd.DataFrame) -> pd.DataFrame:
    """`cinc_a`, `cinc_b` and `cinc_ratio` = stronger / weaker CINC (>= 1; NaN when
    either is missing or the weaker is 0)."""
    check_dyad_year_unit(panel)
    v = _state_values(panel, nmc, ["cinc"], "nmc")
    a, b = v["cinc_a"], v["cinc_b"]
    high, low = np.maximum(a, b), np.minimum(a, b)
    ratio = np.full(len(panel), np.nan)
    ok = low > 0
    ratio[ok] = high[ok] / low[ok]
    return _assign(panel, {"cinc_a": a, "cinc_b": b, "cinc_ratio": ratio})


@cites("miller2022peacesciencer", "ps_cow_trade_sy")
def add_trade(panel: pd.DataFrame, trade: pd.DataFrame) -> pd.DataFrame:
    """`trade_a`, `trade_b`: each state's total trade (imports + exports, current
    million USD) from the state-year COW national trade table; NaN if either is missing.
    (Dyadic COW trade is not among the shared files.)"""
    check_dyad_year_unit(panel)
    v = _state_values(panel, trade, ["imports", "exports"], "trade")
    return _assign(
        panel,
        {
            "trade_a": v["imports_a"] + v["exports_a"],
            "trade_b": v["imports_b"] + v["exports_b"],
        },
    )


@cites("miller2022peacesciencer", "ps_cow_igo_ndy")
def add_shared_igos(panel: pd.DataFrame, igos: pd.DataFrame) -> pd.DataFrame:
    """`shared_igos`: IGOs in which both states are full members (`read_igos`)."""
    check_dyad_year_unit(panel)
    v = _dyad_values(panel, igos, ["dyadigos"], "igos")
    return _assign(panel, {"shared_igos": v["dyadigos"]})


@cites("miller2022peacesciencer", "ps_cow_mid_ddydisps")
def add_mid(
    panel: pd.DataFrame, mids: pd.DataFrame, *, coverage: tuple[int, int] | None = None
) -> pd.DataFrame:
    """`mid_ongoing`, `mid_onset` and `mid_hostlev` (highest hostility level, 1-5; 0 =
    no dispute) from MID dispute dyad-years (`read_mids`); 0 inside the coverage."""
    check_dyad_year_unit(panel)
    columns = ["cowmidongoing", "cowmidonset", "hostlev"]
    v = _dyad_values(panel, mids, columns, "mid", _coverage(mids, coverage))
    return _assign(
        panel,
        {
            "mid_ongoing": v["cowmidongoing"],
            "mid_onset": v["cowmidonset"],
            "mid_hostlev": v["hostlev"],
        },
    )


def shared_rival_counts(mids: pd.DataFrame, window: int = 10) -> pd.DataFrame:
    """(dyad, year, shared_rivals) for every pair of states with a rival in common.

    A state's rivals in year t are the states it was in a militarized dispute with
    (a MID dispute dyad-year) in t or the `window` - 1 years before; a dyad's shared
    rivals are the third states that are rivals of both. Pairs are formed within
    each (rival, year) group, so the work grows with the rivals per state, not with
    the number of dyads."""
    if window < 1:
        raise ValueError("the rivalry window must be at least one year")
    disputes = mids[["state_a", "state_b", "year"]].astype({"year": "int64"})
    sides = pd.concat(
        [
            disputes.rename(columns={"state_a": "state", "state_b": "rival"}),
            disputes.rename(columns={"state_b": "state", "state_a": "rival"}),
        ],
        ignore_index=True,
    )
    spread = pd.concat(
        [sides.assign(year=sides["year"] + k) for k in range(window)], ignore_index=True
    ).drop_duplicates(ignore_index=True)
    pairs = spread.merge(spread, on=["rival", "year"], suffixes=("_1", "_2"))
    pairs = pairs[pairs["state_1"] < pairs["state_2"]]
    counts = pairs.groupby(["state_1", "state_2", "year"], sort=True).size()
    out = counts.rename("shared_rivals").reset_index()
    out.insert(0, "dyad", out["state_1"] + "-" + out["state_2"])
    return out[["dyad", "year", "shared_rivals"]]


@cites("miller2022peacesciencer", "ps_cow_mid_ddydisps")
def add_shared_rivals(
    panel: pd.DataFrame,
    mids: pd.DataFrame,
    *,
    window: int = 10,
    coverage: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """`shared_rivals`: how many third states both states of the dyad had a
    militarized dispute with in the year or the `window` - 1 years before
    (`shared_rival_counts`, from MID dispute dyad-years, `read_mids`). A common enemy
    is a classic reason to align; 0 inside the MID data's years, NaN outside."""
    check_dyad_year_unit(panel)
    first, last = _coverage(mids, coverage)
    table = shared_rival_counts(mids, window)
    table = table[table["year"].between(first, last)]  # later disputes are unobserved
    v = _dyad_values(panel, table, ["shared_rivals"], "shared rivals", (first, last))
    return _assign(panel, {"shared_rivals": v["shared_rivals"]})


@cites("miller2022peacesciencer", "ps_cow_mid_ddydisps")
def add_disputes(panel: pd.DataFrame, mids: pd.DataFrame) -> pd.DataFrame:
    """The covariates of the MID file: the dyad's own disputes (`add_mid`) and the
    rivals its states share (`add_shared_rivals`)."""
    return add_shared_rivals(add_mid(panel, mids), mids)


@cites("bailey2017unga")
def add_ideal_point_distance(
    panel: pd.DataFrame, ideal_points: pd.DataFrame, measure: str = DEFAULT_MEASURE
) -> pd.DataFrame:
    """`ideal_point_distance` = |ideal_a - ideal_b| in UNGA voting (`unga.ingest`)."""
    check_dyad_year_unit(panel)
    distances = ideal_point_distance(ideal_points, panel, measure)
    v = _dyad_values(panel, distances, ["ideal_point_distance"], "ideal point distance")
    return _assign(panel, v)


@cites("felbermayr2020gsdb", "kirilakha2021gsdb")
def add_sanctions(
    panel: pd.DataFrame, sanctions: pd.DataFrame, *, coverage: tuple[int, int] | None = None
) -> pd.DataFrame:
    """`sanctioned_by_west_a`, `_b` from the GSDB state-year table (`gsdb.ingest`):
    unlisted state-years inside the coverage are 0, later ones NaN."""
    check_dyad_year_unit(panel)
    v = _state_values(
        panel, sanctions, ["sanctioned_by_west"], "sanctions", _coverage(sanctions, coverage)
    )
    return _assign(panel, v)


@cites()
def add_lag(panel: pd.DataFrame, column: str, k: int = 1) -> pd.DataFrame:
    """`<column>_lag<k>`: the dyad's value k calendar years earlier; NaN at each dyad's
    first k years and wherever that year is absent (a gap)."""
    check_dyad_year_unit(panel)
    if column not in panel.columns:
        raise ValueError(f"panel has no column {column!r} to lag")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"lag k must be a positive integer, not {k!r}")
    earlier = pd.DataFrame(
        {
            "dyad": panel["dyad"].to_numpy(),
            "year": panel["year"].to_numpy().astype("int64") + int(k),
            "value": panel[column].to_numpy(),
        }
    )
    v = _dyad_values(panel, earlier, ["value"], f"{column} (lagged)")
    return _assign(panel, {f"{column}_lag{k}": v["value"]})
