// name: protectors_degree
// params: ids, types, direction
// mode: read
// returns: one row {degrees: [[id, deg]]}
// doc: For each node id in $ids, how many relationships of the types $types it has in
//   $direction ('out', 'in' or 'both'; a self-loop counts once per direction): the
//   total call count of phones outside a ring. One row: the driver's cost is per
//   record, so the pairs come back as one list.
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
RETURN collect([
  nid,
  COUNT { MATCH (n)-[r]->() WHERE $direction IN ['out', 'both'] AND type(r) IN $types }
  + COUNT { MATCH (n)<-[r]-() WHERE $direction IN ['in', 'both'] AND type(r) IN $types }
]) AS degrees

// name: protectors_expand
// params: ids, types, direction, cap
// mode: read
// returns: one row {degrees: [[id, deg]], rels: [[type, start, end, props]], nodes: [[id, labels, props]]}
// doc: For each node id in $ids its degree over the types $types in $direction ('out',
//   'in' or 'both'; a self-loop counts once per direction); for the nodes whose
//   degree is from 1 to $cap (the others are supernodes, not expanded) every such
//   relationship, once, with its ends and properties (its id among them), and once
//   each node at the other end of one of them, with its labels and properties. The
//   protector ranking builds its ring neighbourhoods from this. One row of lists: the
//   driver's cost is per record, and a call between two ring phones or a phone called
//   a hundred times comes back once.
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
WITH nid, n,
     COUNT { MATCH (n)-[r]->() WHERE $direction IN ['out', 'both'] AND type(r) IN $types }
     + COUNT { MATCH (n)<-[r]-() WHERE $direction IN ['in', 'both'] AND type(r) IN $types }
     AS deg
WITH collect([nid, deg]) AS degrees, collect(CASE WHEN 0 < deg <= $cap THEN n END) AS keep
CALL (keep) {
  UNWIND keep AS n
  CALL (n) {
    MATCH (n)-[r]->(m) WHERE $direction IN ['out', 'both'] AND type(r) IN $types
    RETURN r, m
    UNION ALL
    MATCH (n)<-[r]-(m) WHERE $direction IN ['in', 'both'] AND type(r) IN $types
    RETURN r, m
  }
  RETURN collect(DISTINCT r) AS found, collect(DISTINCT m) AS others
}
RETURN degrees,
       [r IN found | [type(r), startNode(r).id, endNode(r).id, properties(r)]] AS rels,
       [m IN others | [m.id, labels(m), properties(m)]] AS nodes

// name: protectors_nodes
// params: ids
// mode: read
// returns: one row {nodes: [[id, labels, props]]}
// doc: The stored nodes among $ids with their labels and properties (what
//   Store.get_nodes answers), read inside the extraction's own transaction.
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
RETURN collect([nid, labels(n), properties(n)]) AS nodes
