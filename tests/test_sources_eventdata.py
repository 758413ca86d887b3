"""Machine-coded event data (GDELT 1.0, ICEWS): CAMEO filter, roles, states, reading.

Golden tests read the real samples in ../shared/data (skipped locally, failing
under CI when absent); the rest build small files in the native layouts.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.shared_data import shared_file
from tiesmap.core.errors import InputError
from tiesmap.core.schema import SOURCE_EVENT_COLUMNS, validate_source_events
from tiesmap.sources import eventdata as ed

GDELT = "gdelt_v1_sample/events_sample_710.tsv"
ICEWS = "icews_sample/events.2018.sample.tab"


@pytest.fixture(scope="module")
def gdelt():
    return ed.ingest_gdelt(shared_file(GDELT))


@pytest.fixture(scope="module")
def icews():
    return ed.ingest_icews(shared_file(ICEWS))


# ------------------------------------------------------------ CAMEO table


def test_cameo_table_uses_collected_activities_with_allowed_levels(codebook):
    fixed = [(r.activity, r.level) for r in ed.CAMEO_RULES.values() if r.kind == "fixed"]
    for activity, level in fixed + list(ed.ROLE_ACTIVITY.values()):
        spec = codebook.activities[activity]
        assert spec.status == "collected", activity
        assert level in spec.levels, (activity, level)
        assert ed.ACTIVITY_AREA[activity] == spec.area
    # 072 is directed in the codebook (supplier first), as in the table
    assert codebook.activities["arms_sale"].directed == ed.CAMEO_RULES["072"].directed


def test_excluded_codes_have_no_collected_activity(codebook):
    # Intelligence sharing is hand-coded from sourced claims (and collected since the
    # pilot's wartime-support search); machine-coded "share intelligence" (064)
    # records stay excluded, since they cannot tell a claim from a denial.
    assert codebook.activities["intelligence_sharing"].status == "collected"
    assert codebook.activities["peacekeeping"].status != "collected"
    assert set(ed.CAMEO_EXCLUDED) == {"0312", "0332", "0334", "064", "074"}
    # every code of military cooperation in DOMAIN.md is either mapped or excluded
    domain = {"0312", "062", "064", "0332", "072", "0334", "074", "042", "043", "044", "057"}
    assert domain == ed.SELECTED_CODES


@pytest.mark.parametrize(
    ("code", "role", "expected"),
    [
        ("062", None, ("exercise", "military")),
        ("072", None, ("arms_sale", "not_applicable")),
        ("042", "defence", ("ministerial_meeting", "defence_minister")),
        ("043", "military", ("military_talks", "military_chief")),
        ("044", "intelligence", ("official_meeting", "security_official")),
        ("042", "police", ("law_enforcement", "security_official")),
        ("057", "military", ("defence_agreement", "military_chief")),
        ("057", "police", ("law_enforcement", "security_official")),
    ],
)
def test_cameo_to_activity(code, role, expected):
    assert ed.classify(code, role) == expected


@pytest.mark.parametrize("code", ["042", "043", "044", "057"])
def test_visits_and_agreements_need_a_security_cue(code):
    reason = ed.classify(code, None)
    assert isinstance(reason, str) and "without a security cue" in reason


@pytest.mark.parametrize("code", ["0312", "0332", "0334", "064", "074"])
def test_excluded_codes_give_a_reason(code):
    reason = ed.classify(code, "military")
    assert isinstance(reason, str) and f"CAMEO {code}" in reason


def test_roles():
    assert ed.gdelt_roles(["MIL", "", ""]) == {"military"}
    assert ed.gdelt_roles(["GOV", "MIL", ""]) == {"military", "defence"}
    assert ed.gdelt_roles(["SPY", "COP", ""]) == {"intelligence", "police"}
    assert ed.gdelt_roles(["GOV", "", ""]) == set()
    assert ed.icews_roles("Ministry (Russia)", "Government,Defense / Security Ministry") == {
        "defence"
    }
    assert ed.icews_roles("John F. Kelly", "Government,Marines,Military") == {"military"}
    assert ed.icews_roles("Police (Nigeria)", "Police,Government") == {"police"}
    assert ed.icews_roles("Kim Jong-Un", "Elite,Executive,Government") == set()
    assert ed.strongest_role(frozenset({"police"}), frozenset({"military"})) == "military"
    assert ed.strongest_role(frozenset(), frozenset()) is None


def test_states():
    assert ed.gdelt_state("RUS", "RUSGOV") == ("RUS", "")
    assert ed.gdelt_state("ROM", "ROM") == ("ROU", "")  # CAMEO's code for Romania
    assert ed.gdelt_state("", "TWN") == ("TWN", "")  # GDELT leaves Taiwan's country empty
    assert ed.gdelt_state("", "GOV")[0] is None
    assert ed.gdelt_state("AFR", "AFR")[0] is None  # a region
    assert ed.gdelt_state("HKG", "HKG")[0] is None
    assert ed.icews_state("Russian Federation") == ("RUS", "")
    assert ed.icews_state("NA")[0] is None  # missing, not Namibia
    assert ed.icews_state("Namibia") == ("NAM", "")


# ------------------------------------------------------------ small files


def gdelt_row(
    gid: int,
    code: str,
    a: tuple[str, str, str] = ("CHN", "CHINA", "CHN"),
    b: tuple[str, str, str] = ("RUS", "RUSSIA", "RUS"),
    a_types: tuple[str, str, str] = ("", "", ""),
    day: str = "20190723",
    url: str | None = "http://example.org/a",
) -> str:
    """One GDELT 1.0 row: 58 fields (daily layout) or 57 without a URL."""
    actor = lambda x, types: [x[0], x[1], x[2], "", "", "", "", *types]  # noqa: E731
    fields = [str(gid), day, day[:6], day[:4], f"{day[:4]}.5"]
    fields += actor(a, a_types) + actor(b, ("", "", ""))
    fields += ["1", code, code[:3], code[:2], "1", "3.0", "4", "1", "4", "1.5"]
    fields += ["1", "China", "CH", "CH", "35", "105", "-1"] * 2
    fields += ["4", "Sea of Japan", "JA", "JA00", "40", "135", "-1"]
    fields += [day]
    if url is not None:
        fields.append(url)
    return "\t".join(fields)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_gdelt_rows_are_filtered_and_mapped(tmp_path):
    lines = [
        gdelt_row(1, "062"),  # joint patrol coded as military cooperation
        gdelt_row(2, "072", a=("RUS", "RUSSIA", "RUS"), b=("IRN", "IRAN", "IRN"), url=None),
        gdelt_row(
            3,
            "042",
            a=("RUSMIL", "RUSSIA", "RUS"),
            b=("CHN", "CHINA", "CHN"),
            a_types=("MIL", "", ""),
        ),
        gdelt_row(4, "043"),  # a visit without a security cue
        gdelt_row(5, "0312"),  # intent only
        gdelt_row(6, "010"),  # out of scope
        gdelt_row(7, "062", b=("CHN", "BEIJING", "CHN")),  # same state
        gdelt_row(8, "062", b=("AFR", "AFRICA", "AFR")),  # region
    ]
    result = ed.ingest_gdelt(_write(tmp_path / "g.tsv", lines))
    validate_source_events(result.table, "g.tsv")
    assert tuple(result.table.columns) == SOURCE_EVENT_COLUMNS
    c = result.counts
    assert (c["rows_read"], c["mapped"], c["rejected"], c["out_of_scope"]) == (8, 3, 4, 1)
    t = result.table.set_index("event_id")
    assert t.loc["gdelt-1", ["participants", "activity", "level", "date_start"]].tolist() == [
        "CHN;RUS",
        "exercise",
        "military",
        "2019-07-23",
    ]
    assert t.loc["gdelt-2", "participants"] == "RUS;IRN"  # directed: provider first
    assert t.loc["gdelt-2", "activity"] == "arms_sale"
    assert "no source URL" in t.loc["gdelt-2", "source"]
    assert t.loc["gdelt-3", ["activity", "level"]].tolist() == ["military_talks", "military_chief"]
    assert set(result.table["source_type"]) == {"machine_coded"}
    assert set(result.table["confidence"]) == {"low"}
    assert set(result.table["coder"]) == {"gdelt"}
    assert (
        c["rejected_cameo_043_no_security_cue"],
        c["rejected_cameo_0312_excluded"],
        c["rejected_same_state"],
        c["rejected_actor_not_a_state"],
    ) == (1, 1, 1, 1)


def test_gdelt_bad_rows_are_listed_with_line_and_column(tmp_path):
    good = gdelt_row(1, "062")
    bad_date = gdelt_row(2, "062", day="20191345")
    bad_code = gdelt_row(3, "0x2")
    gdelt2 = good + "\tADM2\tADM2\tADM2"  # 61 fields: a GDELT 2.0 export row
    with pytest.raises(InputError) as err:
        ed.ingest_gdelt(_write(tmp_path / "g.tsv", [good, bad_date, bad_code, gdelt2]))
    got = {(p.row, p.column) for p in err.value.problems}
    assert {(2, "SQLDATE"), (3, "EventCode"), (4, None)} <= got
    assert any("GDELT 2.0" in p.message for p in err.value.problems)


def test_gdelt_truncated_and_wrong_files(tmp_path):
    path = _write(tmp_path / "g.tsv", [gdelt_row(1, "062"), gdelt_row(2, "062")])
    data = path.read_bytes()
    (tmp_path / "cut.tsv").write_bytes(data[: len(data) - 40])
    with pytest.raises(InputError) as err:
        ed.ingest_gdelt(tmp_path / "cut.tsv")
    messages = " ".join(p.message for p in err.value.problems)
    assert "truncated" in messages
    icews_like = _write(tmp_path / "i.tab", ["\t".join(ed.ICEWS_COLUMNS)])
    with pytest.raises(InputError, match="57 or 58"):
        ed.ingest_gdelt(icews_like)
    (tmp_path / "empty.tsv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        ed.ingest_gdelt(tmp_path / "empty.tsv")


def icews_line(eid: int, code: str, **values: str) -> str:
    rec = {
        "Event ID": str(eid),
        "Event Date": "2018-06-01",
        "Source Name": "China",
        "Source Sectors": "NA",
        "Source Country": "China",
        "Event Text": "Provide military aid",
        "CAMEO Code": code,
        "Intensity": "8.3",
        "Target Name": "Russia",
        "Target Sectors": "NA",
        "Target Country": "Russian Federation",
        "Story ID": "47401332",
        "Sentence Number": "1",
        "Publisher": "Xinhua",
        "City": "NA",
        "District": "NA",
        "Province": "NA",
        "Country": "China",
        "Latitude": "35",
        "Longitude": "105",
    }
    rec.update(values)
    return "\t".join(rec[c] for c in ed.ICEWS_COLUMNS)


def test_icews_rows_are_filtered_and_mapped(tmp_path):
    lines = [
        "\t".join(ed.ICEWS_COLUMNS),
        icews_line(1, "072"),
        icews_line(2, "042", **{"Source Sectors": "Government,Defense / Security Ministry"}),
        icews_line(3, "057"),  # agreement without a security cue
        icews_line(4, "064"),
        icews_line(5, "062", **{"Target Country": "NA"}),
        icews_line(6, "190"),
    ]
    result = ed.ingest_icews(_write(tmp_path / "e.tab", lines))
    c = result.counts
    assert (c["rows_read"], c["mapped"], c["rejected"], c["out_of_scope"]) == (6, 2, 3, 1)
    t = result.table.set_index("event_id")
    assert t.loc["icews-1", ["participants", "activity"]].tolist() == ["CHN;RUS", "arms_sale"]
    assert t.loc["icews-2", ["activity", "level"]].tolist() == [
        "ministerial_meeting",
        "defence_minister",
    ]
    assert set(result.table["coder"]) == {"icews"}
    reasons = " | ".join(result.rejected["reason"])
    assert "CAMEO 064" in reasons and "without a security cue" in reasons
    assert "actor 2 has no country" in reasons


def test_icews_bad_input(tmp_path):
    header = "\t".join(c for c in ed.ICEWS_COLUMNS if c != "CAMEO Code")
    with pytest.raises(InputError) as err:
        ed.ingest_icews(_write(tmp_path / "a.tab", [header]))
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "CAMEO Code")]
    lines = [
        "\t".join(ed.ICEWS_COLUMNS),
        icews_line(1, "072", **{"Event Date": "2018-13-01"}),
        icews_line(2, "07x"),
        icews_line(3, "072", **{"Intensity": "high"}),
        icews_line(4, "072").rsplit("\t", 3)[0],
    ]
    with pytest.raises(InputError) as err:
        ed.ingest_icews(_write(tmp_path / "b.tab", lines))
    got = {(p.row, p.column) for p in err.value.problems}
    assert got == {(2, "Event Date"), (3, "CAMEO Code"), (4, "Intensity"), (5, None)}


def test_problems_are_capped(tmp_path):
    lines = ["garbage line"] * (ed.MAX_PROBLEMS + 50)
    with pytest.raises(InputError) as err:
        ed.ingest_gdelt(_write(tmp_path / "g.tsv", lines))
    assert len(err.value.problems) == ed.MAX_PROBLEMS + 1
    assert "50 further problems" in err.value.problems[0].message


def test_reading_is_streamed(tmp_path):
    """A file is read line by line: the generator yields before reaching the end."""
    path = _write(tmp_path / "g.tsv", [gdelt_row(i, "010") for i in range(1, 2001)])
    problems = ed._Problems(str(path))
    lines = ed._lines(path, problems)
    first = next(lines)
    assert first[0] == 1 and len(first[1]) == 58
    lines.close()
    result = ed.ingest_gdelt(path)
    assert (result.counts["rows_read"], result.counts["out_of_scope"]) == (2000, 2000)


_GARBAGE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_GARBAGE
@given(st.binary(max_size=600))
def test_garbage_raises_input_error_only(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "garbage"
        path.write_bytes(data)
        with pytest.raises(InputError):
            ed.ingest_gdelt(path)
        with pytest.raises(InputError):
            ed.ingest_icews(path)


@_GARBAGE
@given(st.data())
def test_truncated_files_raise_input_error(data):
    """A file cut anywhere but at a line end is reported (last line has no line break)."""
    with tempfile.TemporaryDirectory() as tmp:
        g = _write(Path(tmp) / "g.tsv", [gdelt_row(1, "062"), gdelt_row(2, "072", url=None)])
        i = _write(Path(tmp) / "i.tab", ["\t".join(ed.ICEWS_COLUMNS), icews_line(1, "072")])
        for path, reader in ((g, ed.ingest_gdelt), (i, ed.ingest_icews)):
            full = path.read_bytes()
            cut = data.draw(st.integers(min_value=1, max_value=len(full) - 1))
            if full[cut - 1 : cut] == b"\n":
                continue
            path.write_bytes(full[:cut])
            with pytest.raises(InputError):
                reader(path)


# ------------------------------------------------------------ golden


@pytest.mark.shared
def test_golden_gdelt(gdelt):
    c = gdelt.counts
    assert (c["rows_read"], c["mapped"], c["rejected"], c["out_of_scope"]) == (710, 2, 109, 599)
    assert c["rows_read"] == c["mapped"] + c["rejected"] + c["out_of_scope"]
    validate_source_events(gdelt.table, GDELT)
    # the sample's one CAMEO 062 record: Taiwan and China, 2 January 1982 (backfile layout)
    e = gdelt.table.set_index("event_id").loc["gdelt-1553629"]
    assert (e["date_start"], e["date_precision"], e["participants"]) == (
        "1982-01-02",
        "day",
        "CHN;TWN",
    )
    assert (e["activity"], e["area"], e["level"]) == ("exercise", "war_preparation", "military")
    assert (e["source_type"], e["confidence"], e["coder"]) == ("machine_coded", "low", "gdelt")
    assert e["source_record"] == "events_sample_710.tsv:line 590 (GLOBALEVENTID 1553629)"
    assert "no source URL" in e["source"]
    assert c["rejected_cameo_064_excluded"] == 1
    assert c["rejected_cameo_0312_excluded"] == 1
    assert c["rejected_cameo_042_no_security_cue"] == 14


@pytest.mark.shared
def test_golden_icews(icews):
    c = icews.counts
    assert (c["rows_read"], c["mapped"], c["rejected"], c["out_of_scope"]) == (3705, 22, 359, 3324)
    validate_source_events(icews.table, ICEWS)
    # China provides military aid to Vietnam (CAMEO 072), 1 June 2018
    e = icews.table.set_index("event_id").loc["icews-32890307"]
    assert (e["date_start"], e["participants"], e["activity"], e["level"]) == (
        "2018-06-01",
        "CHN;VNM",
        "arms_sale",
        "not_applicable",
    )
    assert e["source_record"] == "events.2018.sample.tab:line 276 (Event ID 32890307)"
    # Kim Yong-chol visits John F. Kelly (a Marine general): military talks candidate
    kelly = icews.table.set_index("event_id").loc["icews-32888183"]
    assert (kelly["participants"], kelly["activity"]) == ("PRK;USA", "military_talks")
    assert c["rejected_cameo_064_excluded"] == 2
    assert c["rejected_cameo_0332_excluded"] == 1
    assert c["rejected_cameo_042_no_security_cue"] == 118
