"""State shared by the two passes over one FtM file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.errors import ValidationError
from graph.rows import NodeRow, RelRow, check_endpoint_labels, validate_node, validate_rel


class EntityError(Exception):
    """An entity cannot be mapped; the message is the reason in the rejects report."""


@dataclass(frozen=True)
class Known:
    """What an FtM id became in pass 1."""

    id: str
    labels: tuple[str, ...]
    name: str | None
    schema: str


@dataclass
class Batch:
    """Rows of one entity (then of a chunk), checked against the model as they are added."""

    nodes: list[NodeRow] = field(default_factory=list)
    rels: list[RelRow] = field(default_factory=list)

    def node(self, nid: str, labels: list[str], props: dict[str, Any]) -> None:
        row: NodeRow = {
            "id": nid,
            "labels": labels,
            "props": {k: v for k, v in props.items() if v is not None},
        }
        try:
            validate_node(row)
        except ValidationError as exc:
            raise EntityError(str(exc)) from exc
        self.nodes.append(row)

    def rel(
        self,
        rid: str,
        typ: str,
        start: tuple[str, tuple[str, ...]],
        end: tuple[str, tuple[str, ...]],
        props: dict[str, Any],
    ) -> None:
        """Add a relationship; ``start``/``end`` are (id, labels) so endpoints are checked."""
        row: RelRow = {
            "id": rid,
            "type": typ,
            "start": start[0],
            "end": end[0],
            "props": {k: v for k, v in props.items() if v is not None},
        }
        try:
            validate_rel(row)
            check_endpoint_labels(row, start[1], end[1])
        except ValidationError as exc:
            raise EntityError(str(exc)) from exc
        self.rels.append(row)

    def extend(self, other: Batch) -> None:
        self.nodes.extend(other.nodes)
        self.rels.extend(other.rels)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.rels)


@dataclass
class FtmContext:
    """Ids seen in pass 1, addresses, and nodes whose address came later in the file."""

    bundle: str
    known: dict[str, Known] = field(default_factory=dict)
    #: Address entity id -> the address as one line
    addresses: dict[str, str] = field(default_factory=dict)
    #: (stored id, labels, Address entity id) of nodes that point to a later Address
    pending_addresses: list[tuple[str, list[str], str]] = field(default_factory=list)
    #: Position entity id -> its organization's FtM id (linked once everything is known)
    position_orgs: dict[str, str] = field(default_factory=dict)

    def sid(self, ftm_id: str) -> str:
        return f"{self.bundle}:{ftm_id}"

    def ref(self, ftm_id: str | None, role: str, labels: set[str]) -> Known:
        """The pass-1 entity an FtM link points to, or an :class:`EntityError`."""
        if not ftm_id:
            raise EntityError(f"missing {role}")
        known = self.known.get(ftm_id)
        if known is None:
            raise EntityError(f"unknown {role} {ftm_id!r}: not an entity of this file")
        if not labels & set(known.labels):
            raise EntityError(
                f"{role} {ftm_id!r} is a {known.schema}, expected {'/'.join(sorted(labels))}"
            )
        return known
