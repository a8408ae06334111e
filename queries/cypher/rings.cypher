// name: ring_members
// params: ring_id
// mode: read
// returns: rows of {id, labels} ordered by id
// doc: The distinct people and organizations that are MEMBER_OF the ring $ring_id.
MATCH (:Ring {id: $ring_id})<-[:{{types:membership}}]-(m)
RETURN DISTINCT m.id AS id, labels(m) AS labels
ORDER BY id

// name: expand_level
// params: frontier, types, max_degree
// mode: read
// returns: rows of {id, degree, rels: [[type, id, start, end, other id, other labels,
//   amount, currency]]}
// doc: For each node id in $frontier: how many relationships of $types it has (either
//   direction) and, unless that is more than $max_degree (a supernode is kept but not
//   expanded; 0 asks for the degrees only), those relationships with the node at the
//   other end and their amount and currency (null where there are none).
UNWIND $frontier AS fid
MATCH (n:Entity {id: fid})
WITH n, COUNT { MATCH (n)-[r]-() WHERE type(r) IN $types } AS degree
CALL (n, degree) {
  MATCH (n)-[r]-(m)
  WHERE degree <= $max_degree AND type(r) IN $types
  RETURN collect([type(r), r.id, startNode(r).id, endNode(r).id, m.id, labels(m),
                  r.amount, r.currency]) AS rels
}
RETURN n.id AS id, degree, rels
