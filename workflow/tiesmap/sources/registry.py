"""Which adapter reads which source, and with which options from the config.

The manifest says where a source's file lives; this table says how to read it.
Machine-coded sources are marked: their events are candidates for coders, not data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiesmap.sources import AdapterResult


@dataclass(frozen=True)
class EventSource:
    name: str
    read: Callable[[Path, dict[str, Any]], AdapterResult]
    machine_coded: bool = False


def _sipri(path: Path, config: dict[str, Any]) -> AdapterResult:
    from tiesmap.sources import sipri

    return sipri.ingest(path, config["wars"], config["sources"]["merge_soviet_union"])


def _mme(path: Path, config: dict[str, Any]) -> AdapterResult:
    from tiesmap.sources import mme

    return mme.ingest(path)


def _jme(path: Path, config: dict[str, Any]) -> AdapterResult:
    from tiesmap.sources import jme

    return jme.ingest(path)


def _china_vitae(path: Path, config: dict[str, Any]) -> AdapterResult:
    from tiesmap.sources import china_vitae

    return china_vitae.ingest(path)


def _gdelt(path: Path, config: dict[str, Any]) -> AdapterResult:
    from tiesmap.sources import eventdata

    return eventdata.ingest_gdelt(path)


def _icews(path: Path, config: dict[str, Any]) -> AdapterResult:
    from tiesmap.sources import eventdata

    return eventdata.ingest_icews(path)


EVENT_SOURCES: dict[str, EventSource] = {
    s.name: s
    for s in (
        EventSource("sipri", _sipri),
        EventSource("mme", _mme),
        EventSource("jme", _jme),
        EventSource("china_vitae", _china_vitae),
        EventSource("gdelt", _gdelt, machine_coded=True),
        EventSource("icews", _icews, machine_coded=True),
    )
}
