"""Named queries: plain functions over either store, with identical results.

Every function takes the store first and keyword-only arguments, dispatches on
the store (Neo4j runs the Cypher in ``queries/cypher/*.cypher`` through the
store's one runner; the embedded store runs a networkx twin) and returns plain
JSON-able values in a documented total order. The Cypher files are loaded and
checked by :mod:`queries._loader`.
"""

from queries._loader import NamedQuery, all_queries, get
from queries.cases import case_interference
from queries.cdr import colocated, common_contacts
from queries.entities import entity, rings, subgraph
from queries.expand import ring_expand
from queries.money import money_trail
from queries.officials import official_links
from queries.paths import neighbourhood, paths
from queries.search import search
from queries.timeline import timeline
from queries.tipoffs import tipoffs

__all__ = [
    "NamedQuery",
    "all_queries",
    "case_interference",
    "colocated",
    "common_contacts",
    "entity",
    "get",
    "money_trail",
    "neighbourhood",
    "official_links",
    "paths",
    "ring_expand",
    "rings",
    "search",
    "subgraph",
    "timeline",
    "tipoffs",
]
