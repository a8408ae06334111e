"""Protector evidence in plain words: Bahasa Indonesia first, English on request.

Shared by the command line and the investigator pages.
"""

from __future__ import annotations

from typing import Any


def rupiah(amount: float) -> str:
    """``Rp 180.000.000``."""
    return "Rp " + f"{round(amount):,}".replace(",", ".")


def _money(f: dict[str, Any], lang: str) -> str:
    n, amt = f.get("count", 0), rupiah(float(f.get("amount", 0)))
    routes = set(f.get("routes", []))
    rel = ", ".join(r.split(":")[-1] for r in f.get("relations", []))
    if lang == "en":
        s = f"received {n} transfer(s) ({amt}) from ring accounts"
        if "layered_payment" in routes:
            s += ", layered through a company"
        elif "org_payment" in routes:
            s += ", from a ring company"
        if rel:
            s += f", via relative ({rel})"
        if f.get("regular"):
            s += f", regular over {f.get('months')} months"
        if f.get("per_recruit"):
            s += f", {f['per_recruit']} right after a recruitment"
        return s
    s = f"menerima {n} transfer ({amt}) dari rekening anggota jaringan"
    if "layered_payment" in routes:
        s += ", berlapis lewat perusahaan"
    elif "org_payment" in routes:
        s += ", dari perusahaan jaringan"
    if rel:
        s += f", lewat kerabat ({rel})"
    if f.get("regular"):
        s += f", rutin selama {f.get('months')} bulan"
    if f.get("per_recruit"):
        s += f", {f['per_recruit']} tepat setelah perekrutan korban"
    return s


def describe(kind: str, f: dict[str, Any], lang: str = "id") -> str:
    """One indicator's facts in plain words (Bahasa Indonesia or English)."""
    en = lang == "en"
    if kind == "money":
        return _money(f, lang)
    if kind == "tipoff":
        h = f.get("min_hours_before")
        return (
            f"{f.get('calls')} call(s) before {f.get('raids')} failed raid(s), "
            f"the closest {h} h before"
            if en
            else f"{f.get('calls')} panggilan menjelang {f.get('raids')} penggerebekan yang gagal, "
            f"paling dekat {h} jam sebelumnya"
        )
    if kind == "organizations":
        roles = ", ".join(r.lower().replace("_of", "") for r in f.get("roles", []))
        who = (
            ("through a relative" if en else "lewat kerabat")
            if f.get("via_relative")
            else ("himself" if en else "sendiri")
        )
        return (
            f"holds a role ({roles}) in a ring company, {who}"
            if en
            else f"memegang jabatan ({roles}) di perusahaan jaringan, {who}"
        )
    if kind == "cases":
        parts = {k: v for k, v in f.items() if k != "net"}
        listing = ", ".join(f"{v} {k}" for k, v in sorted(parts.items()))
        return (
            f"handled cases against members: {listing}"
            if en
            else f"menangani perkara anggota jaringan: {listing}"
        )
    if kind == "ties":
        return (
            f"{f.get('ties')} family/associate tie(s) with members"
            if en
            else f"{f.get('ties')} hubungan keluarga/rekan dengan anggota"
        )
    if kind == "comms":
        return (
            f"{f.get('calls')} call(s) with {f.get('members')} member(s) "
            f"({f.get('other_calls')} other calls)"
            if en
            else f"{f.get('calls')} panggilan dengan {f.get('members')} anggota "
            f"({f.get('other_calls')} panggilan lain)"
        )
    return (
        f"bridges the ring and officials (relative betweenness {f.get('relative_betweenness')})"
        if en
        else f"menjembatani jaringan dan pejabat (betweenness relatif "
        f"{f.get('relative_betweenness')})"
    )
