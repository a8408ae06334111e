// name: protectors_degree
// params: ids, types, direction
// mode: read
// returns: rows of {id, deg}
// doc: For each node id in $ids, how many relationships of the types $types it has in
//   $direction ('out', 'in' or 'both'; a self-loop counts once per direction). The
//   protector ranking uses it to skip expanding supernodes.
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
RETURN nid AS id,
       COUNT { MATCH (n)-[r]->() WHERE $direction IN ['out', 'both'] AND type(r) IN $types }
       + COUNT { MATCH (n)<-[r]-() WHERE $direction IN ['in', 'both'] AND type(r) IN $types }
       AS deg

// name: protectors_expand
// params: ids, types, direction
// mode: read
// returns: rows of {rid, type, start, end, rprops, mid, mlabels, mprops}
// doc: Every relationship of the types $types at the nodes $ids in $direction ('out',
//   'in' or 'both'), with its properties and the node at its other end. The protector
//   ranking builds its ring neighbourhood from these rows.
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
CALL (n) {
  MATCH (n)-[r]->(m) WHERE $direction IN ['out', 'both'] AND type(r) IN $types
  RETURN r, m
  UNION ALL
  MATCH (n)<-[r]-(m) WHERE $direction IN ['in', 'both'] AND type(r) IN $types
  RETURN r, m
}
RETURN r.id AS rid, type(r) AS type, startNode(r).id AS start, endNode(r).id AS end,
       properties(r) AS rprops, m.id AS mid, labels(m) AS mlabels, properties(m) AS mprops
