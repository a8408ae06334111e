"""Turning cases and events into their rows and their relations.csv links."""

from __future__ import annotations

from . import _calendar as cal
from ._world import Case, Event, World


def case_rows(world: World, cases: list[Case]) -> tuple[list[list[str]], list[list[str]]]:
    """cases.csv rows and the suspect/victim/investigator/supervisor relations."""
    rng = world.rng
    rows: list[list[str]] = []
    links: list[list[str]] = []
    for case in cases:
        rows.append(
            [
                case.cid,
                case.title,
                case.report_number,
                cal.iso_date(case.opened),
                case.status,
                cal.iso_date(cal.clamp(case.status_at)),
                case.agency_id,
                case.source_id,
            ]
        )
        bap = world.sources.pick(rng, "bap")
        for pid, named in case.suspects:
            links.append([pid, case.cid, "suspect_in", "", cal.iso_date(cal.clamp(named)), "", bap])
        for pid in case.victims:
            links.append([pid, case.cid, "victim_in", "", "", "", bap])
        for pid, since in case.investigators:
            links.append(
                [pid, case.cid, "investigates", "penyidik", cal.iso_date(since), "", case.source_id]
            )
        for pid in case.supervisors:
            links.append(
                [pid, case.cid, "supervises", "", cal.iso_date(case.opened), "", case.source_id]
            )
    return rows, links


def event_rows(world: World, events: list[Event]) -> tuple[list[list[str]], list[list[str]]]:
    """events.csv rows and their led / target_of relations."""
    rng = world.rng
    rows: list[list[str]] = []
    links: list[list[str]] = []
    for event in events:
        at = cal.iso_minute(event.at)
        if rng.random() < 0.15:
            at += "+07:00"
        rows.append(
            [event.eid, event.kind, at, event.place, event.case_id, event.outcome, event.source_id]
        )
        for pid in event.leaders:
            links.append([pid, event.eid, "led", "", "", "", event.source_id])
        for target in event.targets:
            links.append([target, event.eid, "target_of", "", "", "", event.source_id])
    return rows, links
