"""Neo4j constraints and indexes, derived from the model (applied idempotently)."""

from __future__ import annotations

from graph_api.model import ENTITY_LABEL, MODEL


def schema_statements() -> list[str]:
    """``CREATE ... IF NOT EXISTS`` statements for every label and type of the model."""
    out = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE"
    ]
    for spec in MODEL.nodes.values():
        low = spec.label.lower()
        out.append(
            f"CREATE CONSTRAINT {low}_id IF NOT EXISTS FOR (n:{spec.label}) REQUIRE n.id IS UNIQUE"
        )
        for p in spec.props:
            if p.indexed:
                name, target = f"{low}_{p.name}", f"(n:{spec.label}) ON (n.{p.name})"
                out.append(f"CREATE INDEX {name} IF NOT EXISTS FOR {target}")
    for rel in MODEL.rels.values():
        low = rel.type.lower()
        out.append(
            f"CREATE CONSTRAINT {low}_id IF NOT EXISTS FOR ()-[r:{rel.type}]-() "
            "REQUIRE r.id IS UNIQUE"
        )
    out.append(
        "CREATE FULLTEXT INDEX name_search IF NOT EXISTS FOR (n:Person|Organization|Agency) "
        "ON EACH [n.name, n.name_norm, n.aliases]"
    )
    return out
