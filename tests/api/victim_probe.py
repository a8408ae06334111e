"""A probe for victims' identifiers in what reskrim is answered, API and pages.

It reads the victims and their identifiers straight from the store (not through the
masking under test), then asks, as reskrim, everything around each victim: the entity,
its neighbourhood at 1 and 2 hops, its timeline, paths and money trails from it, each
neighbour and its timeline, a search by each identifier, a look-up by each stored id
of a masked phone or account, and the pages. Every identifier found in an answer, every
search hit that confirms one and every look-up answered 200 is one finding.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from graph.store import EmbeddedStore, Neo4jStore, Store
from queries._common import LABELS

P = "/api/v1"
MASK = "***"
#: properties of a victim reskrim must read masked (a name is shown)
PRIVATE = ("nik", "nik_raw", "nik_invalid", "address", "birth_date", "birth_place", "gender")


def digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def national(phone: str) -> str:
    """``+62812…`` -> ``812…``: the digits every written form of the number holds."""
    return digits(phone)[2:] if phone.startswith("+62") else digits(phone)


@dataclass
class Victim:
    id: str
    props: dict[str, Any]
    phones: list[str] = field(default_factory=list)
    #: (id, number) of the accounts they hold or that carry one of their phone numbers
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def needles(self) -> dict[str, str]:
        """What must not appear in an answer -> what it is."""
        out: dict[str, str] = {}
        for k in ("nik", "nik_raw", "address"):
            v = self.props.get(k)
            if isinstance(v, str) and len(v) >= 6:
                out[v] = k
                out[json.dumps(v, ensure_ascii=False)[1:-1]] = k
                out[html.escape(v)] = k
        for ph in self.phones:
            if len(national(ph)) >= 8:
                out[national(ph)] = "phone"
        for _, number in self.accounts:
            if len(digits(number)) >= 8:
                out[digits(number)] = "account number"
        return out

    def searches(self) -> list[str]:
        qs = [self.props[k] for k in ("nik", "nik_raw") if isinstance(self.props.get(k), str)]
        for ph in self.phones:
            n = national(ph)
            qs += [ph, "0" + n, "62" + n, f"0{n[:3]}-{n[3:7]}-{n[7:]}"]
        qs += [number for _, number in self.accounts if len(digits(number)) >= 6]
        return qs


def victims_of(store: Store) -> list[Victim]:
    """Every person VICTIM_IN a case, read from the store itself."""
    found: dict[str, Victim] = {}
    accounts: list[tuple[str, str]] = []
    if isinstance(store, Neo4jStore):
        for r in store.run(
            "MATCH (p:Person)-[:VICTIM_IN]->(:Case) WITH DISTINCT p "
            "RETURN p.id AS id, properties(p) AS props, "
            "COLLECT { MATCH (p)-[:USES]->(x:Phone) RETURN x.id } AS phones, "
            "COLLECT { MATCH (p)-[:HOLDS]->(a:Account) RETURN [a.id, a.number] } AS held"
        ):
            found[r["id"]] = Victim(r["id"], r["props"], r["phones"],
                                    [(a, n) for a, n in r["held"]])
        accounts = [(r["id"], r["n"]) for r in store.run(
            "MATCH (a:Account) WHERE a.number IS NOT NULL RETURN a.id AS id, a.number AS n")]
    else:
        assert isinstance(store, EmbeddedStore)
        with store.reading() as g:
            for a, _, key in g.edges(keys=True):
                if key[0] == "VICTIM_IN" and a not in found:
                    props = {k: v for k, v in g.nodes[a].items() if k != LABELS}
                    v = found[a] = Victim(a, props)
                    for _, o, k in g.out_edges(a, keys=True):
                        if k[0] == "USES":
                            v.phones.append(o)
                        elif k[0] == "HOLDS":
                            v.accounts.append((o, str(g.nodes[o].get("number", ""))))
            accounts = [(n, str(a["number"])) for n, a in g.nodes(data=True)
                        if "Account" in a[LABELS] and a.get("number")]
    for v in found.values():
        mine = {national(p) for p in v.phones}
        for aid, number in accounts:
            d = digits(number)
            if any(d in (n, "0" + n, "62" + n) for n in mine) and aid not in dict(v.accounts):
                v.accounts.append((aid, number))
    return sorted(found.values(), key=lambda v: v.id)


@dataclass
class Probe:
    api: Any
    role: str = "reskrim"
    findings: list[str] = field(default_factory=list)
    asked: int = 0
    #: answers with a body (status 200), each scanned
    answered: int = 0

    def _scan(self, url: str, text: str, needles: dict[str, str], echo: str = "") -> None:
        self.answered += 1
        for form in {echo, html.escape(echo), quote(echo, safe=""), quote(echo)} - {""}:
            text = text.replace(form, "")
        for needle, what in needles.items():
            if needle in text:
                self.findings.append(f"{url}: {what} {needle!r}")

    def get(self, url: str, needles: dict[str, str]) -> Any:
        self.asked += 1
        r = self.api.get(P + url, self.role)
        if r.status_code == 200:
            self._scan(url, r.text, needles)
            return r.json()
        return None

    def page(self, url: str, needles: dict[str, str], echo: str = "") -> None:
        self.asked += 1
        r = self.api.client.get(url)
        if r.status_code == 200:
            self._scan(url, r.text, needles, echo)

    def run(self, victims: list[Victim], *, pages: bool = True) -> list[str]:
        everyone: dict[str, str] = {}
        for v in victims:
            everyone.update(v.needles())
        for v in victims:
            self._victim(v, everyone, pages=pages)
        return self.findings

    def _victim(self, v: Victim, needles: dict[str, str], *, pages: bool) -> None:
        vid = quote(v.id, safe="")
        shown = self.get(f"/entities/{vid}", needles)
        if shown is not None:
            for k, val in shown["props"].items():
                if (k in PRIVATE or k.startswith("x_")) and val != MASK:
                    self.findings.append(f"/entities/{vid}: {k} {val!r}")
        near: set[str] = set()
        for hops in (1, 2):
            nb = self.get(f"/entities/{vid}/neighbourhood?hops={hops}&cap=50", needles)
            if nb is not None and hops == 1:
                near = {n["id"] for n in nb["nodes"]} - {v.id}
        self.get(f"/entities/{vid}/timeline?limit=1000", needles)
        self.get(f"/money-trail?from={vid}", needles)
        for other in sorted(near):
            o = quote(other, safe="")
            self.get(f"/entities/{o}", needles)
            self.get(f"/entities/{o}/timeline?limit=1000", needles)
            self.get(f"/paths?from={vid}&to={o}", needles)
        for q in v.searches():
            found = self.get(f"/entities/search?q={quote(q, safe='')}", needles)
            for hit in (found or {}).get("data", []):
                if hit["matched"] != "name":
                    self.findings.append(f"search {q!r}: matched {hit['matched']} {hit['id']}")
        for stored in [*v.phones, *(a for a, _ in v.accounts)]:
            s = quote(stored, safe="")
            for suffix in ("", "/neighbourhood", "/timeline"):
                self.asked += 1
                r = self.api.get(f"{P}/entities/{s}{suffix}", self.role)
                if r.status_code != 404:
                    self.findings.append(f"/entities/{s}{suffix}: {r.status_code}, not 404")
        if pages:
            for url in (f"/entitas/{vid}", f"/graf/entitas/{vid}", f"/graf/aliran/{vid}"):
                self.page(url, needles)
            for q in v.searches()[:3]:
                self.page(f"/cari?q={quote(q, safe='')}", needles, echo=q)
