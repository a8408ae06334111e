"""Load a FollowTheMoney (FtM) JSON-lines file into a store, without the FtM package.

One entity per line: ``{"id", "schema", "properties": {prop: [values]}}``. The
file is read twice, streaming, in chunks: pass 1 writes the things (people,
organizations, accounts, positions), pass 2 the links between them (payments,
ownership, family …), so that a link only ever points at a node already
written. Every stored id is ``<bundle>:<FtM id>``, so loading the same file
again changes nothing.

Mapping (schema -> graph)
-------------------------
=====================================  ==============================================
Person                                 ``Person``: name (more names -> aliases),
                                       birthDate -> birth_date, idNumber -> nik when a
                                       valid NIK (else ``x_id_number``), gender, phone ->
                                       ``Phone`` + ``USES`` (region = the entity's
                                       country), address / addressEntity -> address
Organization, Company, LegalEntity     ``Organization`` (Company -> kind company, else
                                       other with kind_raw), registrationNumber ->
                                       license_no, taxNumber -> npwp (15/16 digits only)
PublicBody                             ``Agency`` kind other, kind_raw PublicBody
Position                               ``Agency`` kind other, kind_raw Position (the seat
                                       its occupants hold a post at); ``PART_OF`` its
                                       organization when that is a PublicBody
BankAccount                            ``Account`` kind bank: bankName -> bank,
                                       accountNumber / iban -> number
Payment                                ``TRANSFERRED`` between accounts; a payer or
                                       beneficiary that is not a BankAccount gets a
                                       synthetic account ``<bundle>:acct:<FtM id>`` (kind
                                       other, holder_name its name) that it ``HOLDS``
Ownership                              ``OWNER_OF`` (percentage -> share); of a
                                       BankAccount: ``HOLDS``
Directorship / Employment              ``DIRECTOR_OF`` / ``EMPLOYEE_OF`` (role -> detail)
Membership                             ``EMPLOYEE_OF`` detail "member[: role]" (FtM has
                                       no Ring, so never ``MEMBER_OF``)
... to a PublicBody                    ``Official`` + ``HOLDS_POST`` (role -> position)
Occupancy                              ``Official`` + ``HOLDS_POST`` to the Position
Family / Associate                     ``FAMILY`` (relationship -> detail in the spec's
                                       words, else other; raw in x_relationship) /
                                       ``ASSOCIATE``
=====================================  ==============================================

Any other schema (Address, Note, Vehicle, UnknownLink …) is counted in
``report.other_schemata`` and not written; Address text is still copied onto the
people and organizations that point to it. Unmapped properties are kept as
``x_<snake_case>`` extras. Dates without a zone are read as UTC (not WIB):
FtM is an international format. ``report.files[<name>].rows`` counts
entities; ``rows = accepted + rejected + other schemata``.

A load that writes holds the store's ingest lock for its whole run
(:meth:`graph.store.Store.ingesting`), as a bundle ingest does: a bundle loaded
at the same time resolves its people against what is stored, FtM's included.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from graph.store.base import Store
from ingest.ftm._context import Batch, EntityError, FtmContext
from ingest.ftm._links import LINK_SCHEMATA, position_links
from ingest.ftm._nodes import NODE_SCHEMATA, address_text, map_node
from ingest.ftm._values import FtmEntity, Line, read_lines
from ingest.report import FileReport, IngestReport, RejectsWriter

__all__ = ["LINK_SCHEMATA", "NODE_SCHEMATA", "load_ftm"]

Mapper = Callable[[FtmContext, FtmEntity, Batch], object]


def load_ftm(
    path: Path,
    store: Store,
    *,
    bundle: str,
    rejects: RejectsWriter | None,
    write: bool = True,
    chunk: int = 5_000,
) -> IngestReport:
    """Load one FtM JSON-lines file; with ``write=False`` only validate (``--strict``).

    Parameters
    ----------
    path : Path
        The ``.ftm.json`` / ``.ijson`` / ``.jsonl`` file.
    store : Store
        Where to write.
    bundle : str
        Prefix of every stored id (``<bundle>:<FtM id>``).
    rejects : RejectsWriter or None
        Receives every rejected line with its number and the reason.
    write : bool
        False reads and checks everything but writes nothing.
    chunk : int
        Entities per write batch (one transaction each).

    Returns
    -------
    IngestReport
        ``files`` holds one entry for the file, ``other_schemata`` what was skipped.

    Notes
    -----
    With ``write`` it waits for any other ingest into the same store to finish first.
    """
    started = time.perf_counter()
    path = Path(path)
    report = IngestReport(bundle=bundle, written=write)
    fr = report.files[path.name] = FileReport(encoding="utf-8", delimiter=None)
    run = _Run(store, report, fr, path.name, rejects, write, chunk)
    with store.ingesting() if write else contextlib.nullcontext():
        _passes(path, FtmContext(bundle=bundle), run)
    report.seconds = time.perf_counter() - started
    return report


def _passes(path: Path, ctx: FtmContext, run: _Run) -> None:
    """Pass 1 (things), then the addresses and positions they wait for, pass 2 (links)."""
    report, fr = run.report, run.fr
    for line in read_lines(path):  # pass 1: things
        fr.rows += 1
        if line.entity is None:
            run.reject(line, line.error or "unreadable entity")
            continue
        schema = line.entity["schema"]
        if schema == "Address":
            text = address_text(line.entity)
            if text:
                ctx.addresses.setdefault(line.entity["id"], text)
        if schema in NODE_SCHEMATA:
            run.apply(ctx, line, map_node)
        elif schema not in LINK_SCHEMATA:
            report.other_schemata[schema] = report.other_schemata.get(schema, 0) + 1
    run.flush()

    for nid, labels, ref in ctx.pending_addresses:  # addresses defined after their users
        if ref in ctx.addresses:
            run.batch.node(nid, labels, {"address": ctx.addresses[ref]})
    position_links(ctx, run.batch)
    run.flush()

    for line in read_lines(path):  # pass 2: links
        if line.entity is None or line.entity["schema"] not in LINK_SCHEMATA:
            continue
        run.apply(ctx, line, LINK_SCHEMATA[line.entity["schema"]])
    run.flush()


class _Run:
    """The write side of one load: the open batch, flushing, counting, rejecting."""

    def __init__(
        self,
        store: Store,
        report: IngestReport,
        fr: FileReport,
        name: str,
        rejects: RejectsWriter | None,
        write: bool,
        chunk: int,
    ) -> None:
        self.store, self.report, self.fr, self.name = store, report, fr, name
        self.rejects, self.write, self.chunk = rejects, write, max(1, chunk)
        self.batch = Batch()
        self.entities = 0

    def apply(self, ctx: FtmContext, line: Line, mapper: Mapper) -> None:
        """Map one entity into a scratch batch; keep it only if all of it is valid."""
        assert line.entity is not None
        local = Batch()
        try:
            mapper(ctx, line.entity, local)
        except EntityError as exc:
            self.reject(line, str(exc))
            return
        self.fr.accepted += 1
        self.batch.extend(local)
        self.entities += 1
        if self.entities >= self.chunk:
            self.flush()

    def reject(self, line: Line, reason: str) -> None:
        self.fr.rejected += 1
        if self.rejects is not None:
            self.rejects.add(self.name, line.number, reason, line.raw)

    def flush(self) -> None:
        batch, self.batch, self.entities = self.batch, Batch(), 0
        if not self.write or not len(batch):
            return
        result = self.store.upsert(batch.nodes, batch.rels)
        for k, v in result.nodes.items():
            self.report.nodes[k] += v
        for k, v in result.relationships.items():
            self.report.relationships[k] += v
