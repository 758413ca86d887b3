"""China Vitae leader-engagement adapter: Chinese leaders' meetings, 2003-2018 -> contacts.

The source is the activity logs of seven Chinese leaders (Hu Jintao, Wen Jiabao,
Xi Jinping, Li Keqiang and the foreign-policy principals Li Zhaoxing, Yang Jiechi
and Wang Yi) scraped from China Vitae (Carnegie Endowment) by
github.com/gbwalker/chinese-diplomacy-and-financing. One row is one *mention* of
a foreign country in one leader's log: columns `date` (mm/dd/yy), `year`,
`country`, `leader` and `text`, the activity sentence. Read the converted CSV or
the original `.rds` (pyreadr); both have the same five text columns.

What becomes an event (the rule, in order; every other row is in `rejected`
with its reason, and `counts` has one `rejected_<reason>` entry per reason):

1. Only *structured meeting records* are read: "<Chinese principal> was in
   <place> | travelled to <place> and met with the following: Name (Title)
   Name (Title) ... [Others Attending: ...]". Free-text items (news headlines,
   telephone calls, messages and greetings, ambassadors' credentials, free-text
   meeting reports) and travel records that name no counterpart are rejected:
   their counterpart and level cannot be read reliably.
2. The row's `country` must be named in the title of at least one listed
   counterpart (country name, official name, demonym or abbreviation; see
   `country_pattern`). Otherwise the country is only the meeting's place or is
   mentioned otherwise, and the row is rejected.
3. The counterpart's level comes from that title (`level_of_title`, first rule
   that matches, highest level over the clauses of a compound title such as
   "Deputy Prime Minister and Foreign Minister"):
   - head of state or government (president, prime minister, premier, chancellor,
     monarch, governor-general, ceremonial heads such as the President of the
     Presidium of the DPRK's Supreme People's Assembly, and the top leader of a
     ruling party in a party-state: Vietnam, Laos, North Korea, Cuba)
     -> activity `summit`, level `head_of_state`;
   - foreign minister (incl. the U.S. Secretary of State, British Foreign
     Secretary) -> `ministerial_meeting`, `foreign_minister`;
   - defence minister or secretary -> `ministerial_meeting`, `defence_minister`;
   - chief of general staff, service chief, commander-in-chief
     -> `military_talks`, `military_chief`;
   - other state officials -> `official_meeting`, with the finest level the
     codebook allows there: `security_official` (security-council secretaries,
     national-security advisers, interior and state-security ministers),
     `deputy_minister` (deputy, vice and junior ministers, under-secretaries) or
     `official` (other ministers, vice presidents, deputy prime ministers,
     ambassadors, envoys, subnational officials).
   Former office holders, family members, party officials (outside the ruling
   parties above), parliamentarians (parliamentary_exchange is not yet collected
   in the codebook), officials of international organisations, business people,
   scholars and titles that name no state office are rejected.
4. The meeting's level is the lower side's: a foreign head of state who receives
   the Chinese foreign minister gives `ministerial_meeting` at the Chinese
   minister's level (the codebook's "a minister received by the partner's head
   of state"). The Chinese side's level is that of the sentence's subject, or of
   the log's leader (who was present) when the subject is not in
   `CHINESE_LEVELS` or ranks lower.
5. The same meeting appears in the logs of every leader present (e.g. Wen
   Jiabao's and Yang Jiechi's); a row with the same date, Chinese principal,
   counterpart country and counterpart names as an earlier row is rejected as a
   duplicate of it.

Security content: the readouts are one sentence and rarely name a topic, while
the codebook asks for security content. All classified meetings are kept as
contacts *candidates*; those with no security cue (counterpart with a defence,
military or security office, or a security word in the counterpart's title, or
a Chinese defence minister as principal) carry the flag `no_security_cue`, so a
downstream rule or a coder can drop or review them. `counts` reports both.

Format is `bilateral` (the structured records never say a meeting was
multilateral; several counterparts from different states in one record are
separate bilateral meetings), dates are day-precision, `source_type` is
`dataset`, `confidence` is `high`, `coder` is `china_vitae`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tiesmap.core.countries import to_cow, to_iso3
from tiesmap.core.errors import InputError, Problem
from tiesmap.core.textfiles import csv_table, ragged_rows
from tiesmap.sources import AdapterResult, rejected_table
from tiesmap.sources.events import event_table

# BibTeX keys of this source (tiesmap.sources.citations): the paper cites it when a build reads it.
CITES = ("chinavitae",)

CODER = "china_vitae"
SOURCE_LABEL = (
    "China Vitae activity logs (Carnegie Endowment, chinavitae.com), scraped in "
    "github.com/gbwalker/chinese-diplomacy-and-financing"
)
COLUMNS = ("date", "year", "country", "leader", "text")
STUDY_YEARS = (2003, 2018)  # what the scrape covers; dates outside are input errors
NO_SECURITY_CUE = "no_security_cue"
NO_STATE_OFFICE = "counterpart's title names no state office"

# Source-specific country spellings country_converter does not resolve (the
# scraper writes 'England' and 'Wales' for the United Kingdom).
CHINA_VITAE_ALIASES: dict[str, str] = {"wales": "GBR", "england": "GBR"}

# Level of the Chinese principals found as sentence subjects. Yang Jiechi was
# foreign minister 2007-2013 and then state councillor for foreign affairs; his
# meetings are coded at foreign-minister level throughout.
CHINESE_LEVELS: dict[str, str] = {
    "Hu Jintao": "head_of_state",
    "Wen Jiabao": "head_of_state",
    "Xi Jinping": "head_of_state",
    "Li Keqiang": "head_of_state",
    "Li Zhaoxing": "foreign_minister",
    "Yang Jiechi": "foreign_minister",
    "Wang Yi": "foreign_minister",
    "Cao Gangchuan": "defence_minister",
    "Liang Guanglie": "defence_minister",
}

# Codebook activity (and its area) for each counterpart level; tests check this
# against config/codebook.yaml (activity collected, level allowed).
ACTIVITY_OF_LEVEL: dict[str, str] = {
    "head_of_state": "summit",
    "foreign_minister": "ministerial_meeting",
    "defence_minister": "ministerial_meeting",
    "military_chief": "military_talks",
    "security_official": "official_meeting",
    "deputy_minister": "official_meeting",
    "official": "official_meeting",
}
AREA = "contacts"
RANK = {
    "official": 1,
    "deputy_minister": 2,
    "security_official": 3,
    "military_chief": 4,
    "foreign_minister": 5,
    "defence_minister": 5,
    "head_of_state": 6,
}
SECURITY_LEVELS = ("defence_minister", "military_chief", "security_official")

# ------------------------------------------------------------ text patterns

_MEETING = re.compile(
    r"^\s*(?P<subject>.*?)\s*(?:was in|travell?ed to)\s*(?P<place>.*?)\s*"
    r"and met with the following:\s*(?P<rest>.*)$",
    re.S,
)
_TRAVEL = re.compile(r"^\s*(?P<subject>.*?)\s*travell?ed to\s*(?P<place>.*?)\s*$", re.S)
_OTHERS = re.compile(r"\bOthers Attending:", re.I)

# Free-text rows, by kind, for the rejection reason (first match wins).
_FREE_TEXT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("telephone call", re.compile(r"\b(tele)?phone\b", re.I)),
    (
        "message, greetings or condolences",
        re.compile(r"congratulat|condolence|greeting|message|sympath|letter|mourn", re.I),
    ),
    ("ambassadors' credentials", re.compile(r"credential|ambassador", re.I)),
    (
        "meeting report",
        re.compile(r"\b(held talks|met with|meeting with|meets|talks with)\b", re.I),
    ),
)

# Words that mark a security cue in a counterpart's title.
SECURITY_WORDS = re.compile(
    r"\b(defen[cs]e|military|armed forces|army|navy|naval|air force|security|nuclear|"
    r"missile|terror\w*|war|peacekeeping|arms|weapons?|intelligence)\b",
    re.I,
)

# --- title rules; each returns a level or a rejection reason. Patterns are
# applied to one clause of a title, lower-cased, whitespace collapsed.
_FORMER = re.compile(r"\b(former|ex-|late|retired|outgoing)\b")
_FAMILY = re.compile(
    r"\b(wife|husband|spouse|widow|son|daughter|first lady|queen mother|mother)\b|"
    r"\bduke of\b|^(british )?prince(ss)?\b(?! of monaco)"
)
_IO = re.compile(
    r"united nations|\bu\.?n\.?\b|\bun-|unesco|\bitu\b|world bank|\bimf\b|\bwto\b|"
    r"europe(an)? (commission|union|council)|\beu\b|eurogroup|arab league|league of arab|"
    r"gulf cooperation|\bgcc\b|\basean\b|\bnato\b|\bosce\b|african union|general assembly|"
    r"session of|international \w+ (bureau|committee|organi[sz]ation|union|agency|fund)|"
    r"olympic|secretary[- ]general of the (general secretariat|arab)|liberation organi[sz]ation"
)
_PRESIDIUM = re.compile(r"president of the presidium of the supreme people'?s assembly")
_PARLIAMENT = re.compile(
    r"parliament|\bspeaker\b|national assembly|\bsenate\b|\bsenator\b|\bduma\b|"
    r"\bcongress(man|woman)?\b|house of (representatives|commons|lords|councill?ors)|"
    r"\blegislat|\bmajlis\b|\bknesset\b|federation council|federal assembly|"
    r"council of the nation|raj parishad|\bhural\b|chamber of (deputies|representatives)|"
    r"consultative (council|assembly)|\bshura\b|\bmp\b|member of (the )?parliament|"
    r"\bmazh?i?lis\b|\bhouse (majority|minority) leader|\bhouse committee"
)
_RULING_PARTY = re.compile(
    r"communist party of (vietnam|cuba)|\bcpv\b|vietnam\w* (\w+ )*communist party|"
    r"worker'?s'? party of korea|\bwpk\b|lao(s)? people'?s revolutionary party|\blprp\b|"
    r"^vietnamese general secretary$"
)
_PARTY_TOP = re.compile(
    r"^((the|vietnamese|lao|laos|cuban) )?(general[- ]?s?ecretary|secretary[- ]general|"
    r"first secretary|chairman)\b|communist party (leader|chief)$"
)
_PARTY = re.compile(
    r"\bparty\b|\bkuomintang\b|\bkmt\b|\bcommunist\b|political bureau|politburo|"
    r"\bcentral committee\b|\bcongress party\b"
)
_NON_STATE = re.compile(
    r"compan(y|ies)|corporation|co-operative|holdings|\bgroup\b|business|entrepreneur|"
    r"\bbank\b|universit|college|academy|institut|foundation|association|society|"
    r"chamber of commerce|\bclub\b|\bforum\b|laureate|professor|scholar|editor|"
    r"journalist|magazine|newspaper|\bmedia\b|\bceo\b|chief executive officer|church|"
    r"patriarch|\bpope\b|opposition|coalition|rebel|\bmovement\b|delegation|exhibitions|"
    r"federal reserve|friendship"
)
_SUBNATIONAL = re.compile(
    r"\b(province|provincial|prefecture|region|oblast|district|city|municipal\w*|"
    r"territory|chief minister|karnataka|new south wales|british columbia|tatarstan|"
    r"zanzibar|north rhine|western australia|california|rio de janeiro|novosibirsk\w*|"
    r"kanagawa|state premier|premier of the state)\b"
)
_HEAD = re.compile(
    r"\b(president|predisent|prime minist\w*|premier|chancellor|king|queen|sultan|emir|"
    r"amir|emperor|grand duke|prince of monaco|governor[- ]general|governor general|"
    r"head of state|supreme head|state counsel+or|top leader|supreme leader|taoiseach)\b|"
    r"chairman of (the |\w+'s )?(state affairs commission|national defen[cs]e commission|"
    r"state peace and development council|council of ministers|presiden(cy|tial council))|"
    r"^(cuban leader|leader of (cuba|libya))$|governing council|"
    r"chairman of (the )?(interim )?(election )?government|chief advis[eo]r of .*caretaker"
)
_HEAD_ORG = re.compile(
    r"council|committee|court|commission|assembly|authority of|session|bank|board|"
    r"exchequer|fund|agency|bureau|minister of state"
)
_HEAD_ORG_OK = re.compile(
    r"council of state|governing council|council of ministers|state affairs commission|"
    r"caretaker|"
    r"national defen[cs]e commission|state peace and development council|presidential council"
)
_DEPUTY = re.compile(
    r"\b(deputy|vice|first deputy|assistant|under|second|acting deputy)[- ]?"
    r"|\bunder[- ]?secretary|\bminister of state\b|\bstate secretary\b|"
    r"\bparliamentary secretary\b|\bstate minister\b"
)
_SENIOR_DEPUTY = re.compile(
    r"\b(deputy|vice|first deputy|first vice|second vice)[- ]?(prime minist\w*|premier|"
    r"president|chancellor|chairman)\b|\bdeputy president\b|\bcrown prince\b|"
    r"\bdeputy crown prince\b"
)
_DEFENCE_MINISTER = re.compile(
    r"defen[cs]e minister|minister (of|for) (national )?defen[cs]e|secretary of defen[cs]e|"
    r"defen[cs]e secretary|minister of (the )?armed forces|secretary of state for defen[cs]e"
)
_FOREIGN_MINISTER = re.compile(
    r"foreign (and trade )?min(?!istry)\w*|minister (of|for|responsible for) foreign|"
    r"foreign affairs secretary|secretary of foreign affairs|"
    r"international relations and cooperation|"
    r"foreign affairs (and trade )?minister|foreign secretary|secretary of state\b(?! for (?!foreign))|"
    r"external affairs minister|minister (of|for) external|external relations minister|"
    r"minister of international relations|secretary of state for foreign"
)
_MILITARY_CHIEF = re.compile(
    r"chief of (the )?(general|defen[cs]e|army|naval|air|joint) staff|"
    r"chief of staff of the .*(army|armed forces|military)|joint chiefs|commander[- ]in[- ]chief|"
    r"\bcommander of\b|\barmy chief|supreme council of the armed forces|"
    r"chief of (the )?(army|navy|air force|defen[cs]e forces)"
)
_SECURITY_OFFICIAL = re.compile(
    r"security council|national security (advis[eo]r|assistant|bureau)|security advis[eo]r|"
    r"minister (of|for) (public|state|internal|homeland|national|institutional) security|"
    r"institutional security minister|(interior|home) minister|minister (of|for) (the )?"
    r"(interior|home affairs)|homeland security|director of (national )?intelligence|"
    r"intelligence (chief|service|agency)|political, law and security|nuclear negotiator|"
    r"national security .*advis[eo]r|advis[eo]r .*national security|"
    r"security and foreign affairs advis[eo]r|"
    r"national security and defen[cs]e"
)
_OFFICIAL = re.compile(
    r"\bminist\w*|\bsecretary\b|\bgovernor\b|\bmayor\b|\bambassador\b|\benvoy\b|"
    r"\brepresentative\b|\badvis[eo]r\b|\bchief of staff\b|attorney[- ]general|\bdirector\b|"
    r"\bcommissioner\b|\bconsul\b|charge d'affaires|\bhead of\b|administration chief|"
    r"\bcabinet\b|exchequer|administrator|comptroller|negotiator|plenipotentiary"
)
# 'Special Envoy of the President of X', 'Adviser to the Prime Minister': the
# leader named after an aide's title is not the counterpart's own office.
_SUBORDINATE = re.compile(
    r"(?P<role>\b(envoy|advis[eo]r|representative|assistant|aide|plenipotentiary|"
    r"administration|office)\b.*?)\s(to|of|for|in)\s+(the\s+)?([\w.'-]+\s+){0,3}?(president|prime minister|"
    r"pm|premier|general secretary|chancellor|communist party)\b.*$"
)
# Compound titles are split before a second office ('Deputy Prime Minister and
# Foreign Minister'), not inside a portfolio ('Minister of Foreign Affairs and Trade').
_CLAUSE_SPLIT = re.compile(
    r",?\s+and\s+(?=(?:Deputy|Vice|First|Second|Minister|Foreign|Defen[cs]e|President|Prime|"
    r"Premier|Chairman|Chancellor|Secretary|Commander|Chief|Head|General|Lao|Special|State "
    r"Minister)\b)"
)


@dataclass(frozen=True)
class TitleLevel:
    """A counterpart's level read from a title, or why none could be read."""

    level: str | None
    reason: str = ""


def level_of_title(title: str) -> TitleLevel:
    """The counterpart's codebook level from a China Vitae title (see module doc)."""
    clean = " ".join(title.split())
    if not clean:
        return TitleLevel(None, "counterpart has no title")
    if _FORMER.search(clean.lower()):
        return TitleLevel(None, "counterpart is a former office holder")
    best: str | None = None
    reasons: list[str] = []
    for clause in _CLAUSE_SPLIT.split(clean):
        level, reason = _level_of_clause(clause.lower().strip(" ,;"))
        if level and (best is None or RANK[level] > RANK[best]):
            best = level
        if not level:
            reasons.append(reason)
    if best:
        return TitleLevel(best)
    specific = [r for r in reasons if r != NO_STATE_OFFICE]
    return TitleLevel(None, (specific or [NO_STATE_OFFICE])[0])


def _level_of_clause(text: str) -> tuple[str | None, str]:
    if _FAMILY.search(text):
        return None, "counterpart is a leader's family member or a royal without office"
    if _PRESIDIUM.search(text) and not _SENIOR_DEPUTY.search(text):
        return "head_of_state", ""
    if _RULING_PARTY.search(text):
        if _PARTY_TOP.search(text) and not re.search(r"\bsecond secretary\b", text):
            return "head_of_state", ""
        if not _HEAD.search(text):
            return None, "counterpart is a party official, not a state office holder"
    if _IO.search(text):
        return None, "counterpart is an official of an international organisation"
    if _PARLIAMENT.search(text):
        return None, (
            "counterpart is a parliamentarian (parliamentary_exchange is not yet collected)"
        )
    if _PARTY.search(text):
        return None, "counterpart is a party official, not a state office holder"
    if _NON_STATE.search(text):
        return None, "counterpart holds no state office (business, civil society, scholar)"
    core = _SUBORDINATE.sub(r"\g<role>", text)
    if _SENIOR_DEPUTY.search(core):
        return "official", ""
    deputy = bool(_DEPUTY.search(core))
    if _DEFENCE_MINISTER.search(core):
        return ("deputy_minister" if deputy else "defence_minister"), ""
    if _FOREIGN_MINISTER.search(core):
        return ("deputy_minister" if deputy else "foreign_minister"), ""
    if _MILITARY_CHIEF.search(core):
        return "military_chief", ""
    if _SECURITY_OFFICIAL.search(text):
        return "security_official", ""
    if _HEAD.search(core) and (not _HEAD_ORG.search(core) or _HEAD_ORG_OK.search(core)):
        if _SUBNATIONAL.search(core):
            return "official", ""
        return "head_of_state", ""
    if deputy and re.search(r"minist|secretary", core):
        return "deputy_minister", ""
    if _OFFICIAL.search(core):
        return "official", ""
    return None, NO_STATE_OFFICE


def meeting_level(counterpart: str, chinese: str) -> str:
    """The meeting's level: the counterpart's, except that a foreign head of state
    receiving a Chinese minister makes a ministerial meeting at the minister's level."""
    if counterpart == "head_of_state" and chinese != "head_of_state":
        return chinese
    return counterpart


# ------------------------------------------------------------- countries

# Demonyms and other names that titles use for a state (whole words, any case).
DEMONYMS: dict[str, tuple[str, ...]] = {
    "AFG": ("Afghan",),
    "ALB": ("Albanian",),
    "DZA": ("Algerian",),
    "AGO": ("Angolan",),
    "ATG": ("Antigua and Barbuda",),
    "ARG": ("Argentine", "Argentinian"),
    "ARM": ("Armenian",),
    "AUS": ("Australian",),
    "AUT": ("Austrian",),
    "AZE": ("Azerbaijani",),
    "BHS": ("Bahamian",),
    "BHR": ("Bahraini",),
    "BGD": ("Bangladeshi",),
    "BRB": ("Barbadian",),
    "BLR": ("Belarusian", "Belarussian"),
    "BEL": ("Belgian",),
    "BEN": ("Beninese",),
    "BTN": ("Bhutanese",),
    "BOL": ("Bolivian",),
    "BIH": ("Bosnia-Herzegovina", "Bosnian", "Bosnia"),
    "BRA": ("Brazilian",),
    "BRN": ("Bruneian", "Brunei Darussalam"),
    "BGR": ("Bulgarian",),
    "BDI": ("Burundian", "Burundi's"),
    "KHM": ("Cambodian", "Cambodia's"),
    "CMR": ("Cameroonian",),
    "CAN": ("Canadian",),
    "CPV": ("Cape Verdean",),
    "CAF": ("Central African", "Central Africa"),
    "TCD": ("Chadian",),
    "CHL": ("Chilean",),
    "COL": ("Colombian",),
    "COM": ("Comoran", "Comorian", "Comoros"),
    "COG": ("Republic of Congo", "Congolese"),
    "COD": ("Democratic Republic of Congo", "DRC", "DR Congo"),
    "CRI": ("Costa Rican",),
    "CIV": ("Ivorian",),
    "HRV": ("Croatian",),
    "CUB": ("Cuban", "Cuba's"),
    "CYP": ("Cypriot",),
    "CZE": ("Czech", "Czechoslovakia"),  # China Vitae writes 'Czechoslovakia' in 2009
    "DNK": ("Danish",),
    "DJI": ("Djiboutian",),
    "DMA": ("Dominican", "Commonwealth of Dominica"),
    "DOM": ("Dominican Republic",),
    "TLS": ("East Timor", "East Timorese", "Timorese"),
    "ECU": ("Ecuadorian", "Ecuadoran"),
    "EGY": ("Egyptian",),
    "SLV": ("Salvadoran",),
    "GNQ": ("Equatoguinean",),
    "ERI": ("Eritrean",),
    "EST": ("Estonian",),
    "ETH": ("Ethiopian",),
    "FJI": ("Fijian",),
    "FIN": ("Finnish", "Finland's"),
    "FRA": ("French",),
    "GAB": ("Gabonese",),
    "GMB": ("Gambian",),
    "GEO": ("Georgian",),
    "DEU": ("German",),
    "GHA": ("Ghanaian",),
    "GBR": (
        "British",
        "Britain",
        "Great Britain",
        "Great Britian",
        "England",
        "English",
        "UK",
        "U.K.",
        "Wales",
        "Welsh",
    ),
    "GRC": ("Greek",),
    "GRD": ("Grenadian",),
    "GIN": ("Guinean",),
    "GNB": ("Bissau-Guinean", "Guinea Bissau"),
    "GUY": ("Guyanese",),
    "HTI": ("Haitian",),
    "HUN": ("Hungarian",),
    "ISL": ("Icelandic",),
    "IND": ("Indian",),
    "IDN": ("Indonesian",),
    "IRN": ("Iranian", "Iran's"),
    "IRQ": ("Iraqi",),
    "IRL": ("Irish",),
    "ISR": ("Israeli",),
    "ITA": ("Italian",),
    "JAM": ("Jamaican",),
    "JPN": ("Japanese", "Japan's"),
    "JOR": ("Jordanian",),
    "KAZ": ("Kazakh", "Kazak", "Kazakstan", "Kazakhstani"),
    "KEN": ("Kenyan",),
    "KWT": ("Kuwaiti",),
    "KGZ": ("Kyrgyz", "Kirghiz"),
    "LAO": ("Lao", "Laotian", "Laos's", "Laos'"),
    "LVA": ("Latvian", "Latovia"),
    "LBN": ("Lebanese",),
    "LSO": ("Basotho",),
    "LBR": ("Liberian",),
    "LBY": ("Libyan",),
    "LTU": ("Lithuanian",),
    "LUX": ("Luxembourgish",),
    "MKD": ("Macedonian", "North Macedonia"),
    "MDG": ("Malagasy", "Madagascar's"),
    "MWI": ("Malawian",),
    "MYS": ("Malaysian",),
    "MDV": ("Maldivian",),
    "MLI": ("Malian",),
    "MLT": ("Maltese",),
    "MRT": ("Mauritanian",),
    "MUS": ("Mauritian",),
    "MEX": ("Mexican", "Mexico's"),
    "FSM": ("Micronesian", "Federated States of Micronesia"),
    "MDA": ("Moldovan",),
    "MCO": ("Monegasque",),
    "MNG": ("Mongolian",),
    "MNE": ("Montenegrin",),
    "MAR": ("Moroccan",),
    "MOZ": ("Mozambican",),
    "MMR": ("Myanmar's", "Burmese", "Burma"),
    "NAM": ("Namibian",),
    "NRU": ("Nauruan",),
    "NPL": ("Nepalese", "Nepali"),
    "NLD": ("Dutch",),
    "NZL": ("New Zealander", "New Zealand's"),
    "NER": ("Nigerien",),
    "NGA": ("Nigerian",),
    "PRK": (
        "DPRK",
        "D.P.R.K.",
        "North Korean",
        "Democratic People's Republic of Korea",
        "Workers' Party of Korea",
        "Worker's Party of Korea",
        "WPK",
    ),
    "NOR": ("Norwegian",),
    "OMN": ("Omani",),
    "PAK": ("Pakistani", "Pakistan's"),
    "PAN": ("Panamanian",),
    "PNG": ("Papua New Guinean",),
    "PER": ("Peruvian",),
    "PHL": ("Philippine", "Filipino"),
    "POL": ("Polish",),
    "PRT": ("Portuguese",),
    "QAT": ("Qatari",),
    "ROU": ("Romanian",),
    "RUS": ("Russian", "Russia's", "Russian Federation"),
    "RWA": ("Rwandan",),
    "WSM": ("Samoan", "Independent State of Samoa"),
    "STP": ("Santomean",),
    "SAU": ("Saudi", "Saudi Arabian", "Saudi Arabia's"),
    "SEN": ("Senegalese",),
    "SRB": ("Serbian", "Serbia-Montenegro", "Serbia and Montenegro", "Serbia- Montenegro"),
    "SYC": ("Seychellois",),
    "SLE": ("Sierra Leonean",),
    "SGP": ("Singaporean",),
    "SVK": ("Slovak", "Slovakian"),
    "SVN": ("Slovenian", "Slovene"),
    "SLB": ("Solomon Islander",),
    "SOM": ("Somali",),
    "ZAF": ("South African",),
    "KOR": ("ROK", "R.O.K.", "South Korean", "South Korea's", "Republic of Korea"),
    "SSD": ("South Sudanese",),
    "ESP": ("Spanish",),
    "LKA": ("Sri Lankan",),
    "SDN": ("Sudanese",),
    "SUR": ("Surinamese",),
    "SWE": ("Swedish",),
    "CHE": ("Swiss", "Swiss Confederation"),
    "SYR": ("Syrian", "Syria's"),
    "TWN": ("Taiwanese", "Taiwan's"),
    "TJK": ("Tajik", "Tadjik"),
    "TZA": ("Tanzanian",),
    "THA": ("Thai",),
    "TGO": ("Togolese",),
    "TON": ("Tongan",),
    "TTO": ("Trinidadian",),
    "TUN": ("Tunisian",),
    "TUR": ("Turkish", "Turkey's"),
    "TKM": ("Turkmen",),
    "UGA": ("Ugandan",),
    "UKR": ("Ukrainian", "the Ukraine", "Ukrain"),
    "ARE": ("UAE", "Emirati", "U.A.E."),
    "USA": ("U.S.", "US", "U.S.A.", "USA", "American", "United States of America"),
    "URY": ("Uruguayan",),
    "UZB": ("Uzbek", "Uzbeki"),
    "VUT": ("Vanuatuan", "Ni-Vanuatu"),
    "VEN": ("Venezuelan",),
    "VNM": ("Vietnamese", "Viet Nam"),
    "YEM": ("Yemeni",),
    "ZMB": ("Zambian",),
    "ZWE": ("Zimbabwean",),
}
# Names of one state contained in another's (e.g. 'Republic of Korea' in the DPRK's
# official name): a match preceded or followed by these words is not the state.
_NOT_PRECEDED = {
    "KOR": ("People's ", "People’s ", "Peoples "),
    "COG": ("Democratic ",),
    "GIN": ("New ", "Equatorial ", "Papua New "),
    "SDN": ("South ",),
    "IRL": ("Northern ",),
}
_NOT_FOLLOWED = {"GIN": ("-Bissau", " Bissau"), "DMA": (" Republic",), "IND": (" Ocean",)}


@lru_cache(maxsize=512)
def country_pattern(iso3: str, name: str = "") -> re.Pattern[str]:
    """A pattern that finds a state in a title: its names, official name and demonyms,
    as whole words, case-insensitive (abbreviations such as 'US' case-sensitive)."""
    data = _country_table()
    row = data[data["ISO3"] == iso3]
    names = {name} if name else set()
    if not row.empty:
        names |= {str(row["name_short"].iloc[0]), str(row["name_official"].iloc[0])}
    names |= set(DEMONYMS.get(iso3, ()))
    names = {n.strip() for n in names if n and n.strip()}
    before = "".join(f"(?<!{re.escape(w)})" for w in _NOT_PRECEDED.get(iso3, ()))
    after = "".join(f"(?!{re.escape(w)})" for w in _NOT_FOLLOWED.get(iso3, ()))
    parts = []
    for n in sorted(names, key=len, reverse=True):
        body = re.escape(n)
        letters = n.replace(".", "")
        if not (letters.isupper() and len(letters) <= 4):  # 'US', 'ROK' only as capitals
            body = f"(?i:{body})"
        parts.append(rf"(?<![\w.]){before}{body}{after}(?!\w)")
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def _country_table() -> pd.DataFrame:
    import country_converter as coco

    return coco.CountryConverter().data[["ISO3", "name_short", "name_official"]]


def country_iso3(name: str) -> str | None:
    """ISO3 code of the row's country, with this source's spellings."""
    key = " ".join(str(name).split()).lower()
    if key in CHINA_VITAE_ALIASES:
        return CHINA_VITAE_ALIASES[key]
    return to_iso3(name)


# -------------------------------------------------------------- records


@dataclass(frozen=True)
class Counterpart:
    name: str
    title: str


@dataclass(frozen=True)
class Meeting:
    """A parsed structured meeting record."""

    subject: str
    place: str
    counterparts: tuple[Counterpart, ...]


def parse_meeting(text: str) -> Meeting | None:
    """The subject, place and 'Name (Title)' list of a structured record; None for
    free text. Titles may contain parentheses, e.g. '(Foreign Minister of the
    Democratic People's Republic of Korea (DPRK))'."""
    m = _MEETING.match(text)
    if not m:
        return None
    rest = _OTHERS.split(m["rest"], maxsplit=1)[0]
    people: list[Counterpart] = []
    buf: list[str] = []
    i = 0
    while i < len(rest):
        ch = rest[i]
        if ch == "(":
            depth, j = 1, i + 1
            while j < len(rest) and depth:
                depth += {"(": 1, ")": -1}.get(rest[j], 0)
                j += 1
            title = rest[i + 1 : j - 1] if depth == 0 else rest[i + 1 :]
            people.append(Counterpart(" ".join("".join(buf).split()), " ".join(title.split())))
            buf = []
            i = j
        else:
            buf.append(ch)
            i += 1
    return Meeting(" ".join(m["subject"].split()), " ".join(m["place"].split()), tuple(people))


def free_text_kind(text: str) -> str:
    """Why a row is not a structured meeting record (for the rejection reason)."""
    if _TRAVEL.match(text) or re.match(r"^\s*\S.*travell?ed to\b", text):
        return "travel record without a named counterpart"
    for kind, pattern in _FREE_TEXT_KINDS:
        if pattern.search(text):
            return f"free-text item ({kind}), not a structured meeting record"
    return "free-text item (news report or statement), not a structured meeting record"


# ------------------------------------------------------------- reading


def read_engagements(path: str | Path) -> pd.DataFrame:
    """The five text columns, indexed by spreadsheet row (header = 1); every
    problem of the file reported in one InputError."""
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise InputError([Problem(file, None, None, None, "file not found")])
    if path.suffix.lower() == ".rds":
        return _read_rds(path)
    header, body, problems = csv_table(path)
    header = [h.strip() for h in header]
    problems += _header_problems(file, header)
    problems += ragged_rows(file, header, body, show_row=True)
    kept = [(i, r) for i, r in enumerate(body, start=2) if any(c.strip() for c in r)]
    if not kept and not problems:
        problems.append(Problem(file, None, None, None, "no data rows after the header"))
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame([r for _, r in kept], columns=header, index=[i for i, _ in kept])
    return frame.reindex(columns=list(COLUMNS)).astype(str)


def _read_rds(path: Path) -> pd.DataFrame:
    import pyreadr

    try:
        frame = pyreadr.read_r(str(path))[None]
    except Exception as err:  # pyreadr raises several types for broken files
        raise InputError(
            [Problem(str(path), None, None, None, f"cannot read R data file: {err}")]
        ) from None
    problems = _header_problems(str(path), [str(c) for c in frame.columns])
    if problems:
        raise InputError(problems)
    frame = frame[list(COLUMNS)].fillna("").astype(str)
    frame.index = range(2, len(frame) + 2)
    return frame


def _header_problems(file: str, header: list[str]) -> list[Problem]:
    problems = [
        Problem(file, 1, name, None, "required column is missing (is this the China Vitae file?)")
        for name in COLUMNS
        if name not in header
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(file, 1, name, name, "column appears twice in the header"))
        seen.add(name)
    return problems


_DATE = re.compile(r"^([0-9]{2})/([0-9]{2})/([0-9]{2})$")


def _parse_date(value: str, year: str) -> tuple[str | None, str]:
    """ISO date from mm/dd/yy checked against the year column; (None, reason) if bad."""
    m = _DATE.match(value.strip())
    if not m:
        return None, "not a date of the form mm/dd/yy"
    month, day, yy = (int(g) for g in m.groups())
    if not re.fullmatch(r"[0-9]{4}", year.strip()):
        return None, "year column is not a four-digit year"
    full = int(year)
    if full % 100 != yy:
        return None, f"two-digit year {yy:02d} disagrees with the year column {year}"
    try:
        return date(full, month, day).isoformat(), ""
    except ValueError as err:
        return None, f"no such date ({err})"


def check_engagements(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Cell problems: bad dates, years outside the scrape, empty required cells."""
    problems: list[Problem] = []
    for i, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        for column in COLUMNS:
            if not rec[column].strip():
                problems.append(Problem(file, int(i), column, "", "required value is empty"))
        if rec["date"].strip():
            iso, why = _parse_date(rec["date"], rec["year"])
            if iso is None:
                problems.append(Problem(file, int(i), "date", rec["date"], why))
            elif not STUDY_YEARS[0] <= int(iso[:4]) <= STUDY_YEARS[1]:
                problems.append(
                    Problem(
                        file,
                        int(i),
                        "date",
                        rec["date"],
                        f"outside the years the scrape covers ({STUDY_YEARS[0]}-{STUDY_YEARS[1]})",
                    )
                )
    return problems


# -------------------------------------------------------------- ingest


def ingest(path: str | Path) -> AdapterResult:
    """Canonical contacts events from the China Vitae engagements file (see module doc)."""
    file = str(path)
    frame = read_engagements(path)
    problems = check_engagements(frame, file)
    if problems:
        raise InputError(problems)
    name = Path(path).name
    rows: list[dict] = []
    rejected: list[tuple[str, str]] = []
    reasons: Counter[str] = Counter()
    seen: dict[tuple, int] = {}
    for i, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        record_id = f"{name}:row {i}"
        event, why, key = _event_of(rec, int(i), record_id)
        if event is not None and key in seen:
            event, why = None, f"duplicate of row {seen[key]} (same meeting in another log)"
        if event is None:
            rejected.append((record_id, why))
            reasons[_reason_key(why)] += 1
            continue
        seen[key] = int(i)
        rows.append(event)
    events = event_table(rows, file)
    no_cue = int((events["flags"] == NO_SECURITY_CUE).sum())
    counts = {
        "rows_read": len(frame),
        "mapped": len(events),
        "rejected": len(rejected),
        "mapped_security_cue": len(events) - no_cue,
        "mapped_no_security_cue": no_cue,
    }
    counts.update({f"rejected_{k}": v for k, v in sorted(reasons.items())})
    return AdapterResult(
        table=events,
        rejected=rejected_table(rejected),
        counts=counts,
    )


def _reason_key(reason: str) -> str:
    """A short key for counting rejections: 'duplicate', 'free_text_telephone_call', ..."""
    m = re.match(r"free-text item \((.*?)\)", reason)
    plain = re.sub(r"'[^']*'|\bof row \d+", "", reason.split("(")[0])
    head = "free text " + m[1] if m else plain
    return re.sub(r"[^a-z0-9]+", "_", head.lower()).strip("_")


def _event_of(rec: dict, row: int, record_id: str) -> tuple[dict | None, str, tuple]:
    text = rec["text"]
    meeting = parse_meeting(text)
    if meeting is None:
        return None, free_text_kind(text), ()
    if not meeting.counterparts:
        return None, "meeting record lists no counterpart", ()
    iso3 = country_iso3(rec["country"])
    if iso3 is None:
        return None, f"country '{rec['country']}' has no ISO3 code", ()
    if iso3 == "CHN":
        return None, "counterpart country is China", ()
    pattern = country_pattern(iso3, rec["country"].strip())
    ours = [c for c in meeting.counterparts if pattern.search(c.title)]
    if not ours:
        return None, "country is not named in any counterpart's title (place or other mention)", ()
    levels = [(c, level_of_title(c.title)) for c in ours]
    classified = [(c, t.level) for c, t in levels if t.level]
    if not classified:
        return None, levels[0][1].reason, ()
    top_person, counterpart_level = max(classified, key=lambda x: RANK[x[1]])
    subject = meeting.subject or rec["leader"].strip()
    chinese = _chinese_level(subject, rec["leader"].strip())
    level = meeting_level(counterpart_level, chinese)
    activity = ACTIVITY_OF_LEVEL[level]
    cue = (
        counterpart_level in SECURITY_LEVELS
        or CHINESE_LEVELS.get(subject) == "defence_minister"
        or any(SECURITY_WORDS.search(c.title) for c, _ in classified)
    )
    iso_date, _ = _parse_date(rec["date"], rec["year"])
    participants = sorted(["CHN", iso3])
    people = "; ".join(f"{c.name} ({c.title})" for c, _ in classified)
    notes = (
        f"Chinese side: {subject} (log of {rec['leader'].strip()}); counterpart: {people}; "
        f"level from title of {top_person.name or top_person.title}"
    )
    key = (iso_date, subject, iso3, tuple(sorted(c.name for c, _ in classified)))
    event = {
        "event_id": f"china_vitae-{row:05d}",
        "date_start": iso_date,
        "date_end": "",
        "date_precision": "day",
        "participants": ";".join(participants),
        "participants_cow": ";".join(str(to_cow(p) or "") for p in participants),
        "n_participants": 2,
        "activity": activity,
        "area": AREA,
        "level": level,
        "format": "bilateral",
        "forum": "",
        "location": meeting.place,
        "source": SOURCE_LABEL,
        "source_type": "dataset",
        "confidence": "high",
        "follow_up": False,
        "coder": CODER,
        "notes": notes,
        "tiv": float("nan"),
        "source_record": record_id,
        "flags": "" if cue else NO_SECURITY_CUE,
    }
    return event, "", key


def _chinese_level(subject: str, leader: str) -> str:
    """The Chinese side's level: the subject's, or the log leader's when higher or
    when the subject is unknown (the log's leader took part)."""
    own = CHINESE_LEVELS.get(subject)
    logged = CHINESE_LEVELS.get(leader, "foreign_minister")
    if own is None or RANK[logged] > RANK[own]:
        return logged
    return own
