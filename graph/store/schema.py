"""Neo4j constraints and indexes, derived from the model (applied idempotently)."""

from __future__ import annotations

from graph.model import ENTITY_LABEL, MODEL, PROPAM_ONLY_LABELS, PROPAM_ONLY_TYPES


def schema_statements() -> list[str]:
    """``CREATE ... IF NOT EXISTS`` statements for every label and type of the model.

    Propam-only labels and types get none (their ids are unique through the ``Entity``
    constraint): a constraint keeps its label in ``CALL db.labels()`` of a store that
    holds no such node, which would tell every console user that flags exist. Those that
    older versions made are dropped.
    """
    out = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE"
    ]
    out += [
        f"DROP CONSTRAINT {name.lower()}_id IF EXISTS"
        for name in sorted(PROPAM_ONLY_LABELS | PROPAM_ONLY_TYPES)
    ]
    for spec in MODEL.nodes.values():
        if spec.label in PROPAM_ONLY_LABELS:
            continue
        low = spec.label.lower()
        out.append(
            f"CREATE CONSTRAINT {low}_id IF NOT EXISTS FOR (n:{spec.label}) REQUIRE n.id IS UNIQUE"
        )
        for p in spec.props:
            if p.indexed:
                name, target = f"{low}_{p.name}", f"(n:{spec.label}) ON (n.{p.name})"
                out.append(f"CREATE INDEX {name} IF NOT EXISTS FOR {target}")
    for rel in MODEL.rels.values():
        if rel.type in PROPAM_ONLY_TYPES:
            continue
        low = rel.type.lower()
        out.append(
            f"CREATE CONSTRAINT {low}_id IF NOT EXISTS FOR ()-[r:{rel.type}]-() "
            "REQUIRE r.id IS UNIQUE"
        )
        for p in rel.props:
            if p.indexed:
                name, target = f"{low}_{p.name}", f"()-[r:{rel.type}]-() ON (r.{p.name})"
                out.append(f"CREATE INDEX {name} IF NOT EXISTS FOR {target}")
    out.append(
        "CREATE FULLTEXT INDEX name_search IF NOT EXISTS FOR (n:Person|Organization|Agency) "
        "ON EACH [n.name, n.name_norm, n.aliases]"
    )
    return out


#: the full-text index over the extra columns (``x_*``): their names come from the data,
#: so the index is made again when a load brings a new one (``Neo4jStore.index_new_columns``)
EXTRA_INDEX = "extra_values"


def extra_index_statements(keys: list[str]) -> list[str]:
    """Statements that make :data:`EXTRA_INDEX` cover the property ``keys`` (extra
    columns), one term per whole value (the ``keyword`` analyzer: a search matches a
    value exactly, as the embedded store's ``node_values`` does)."""
    if not keys:
        return [f"DROP INDEX {EXTRA_INDEX} IF EXISTS"]
    props = ", ".join("n.`" + k.replace("`", "``") + "`" for k in sorted(set(keys)))
    return [
        f"DROP INDEX {EXTRA_INDEX} IF EXISTS",
        f"CREATE FULLTEXT INDEX {EXTRA_INDEX} IF NOT EXISTS FOR (n:{ENTITY_LABEL}) "
        f"ON EACH [{props}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'keyword'}}}}",
    ]
