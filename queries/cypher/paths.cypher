// name: neighbourhood_level
// params: frontier, types, labels, cap
// mode: read
// returns: rows of {fid, rels: [{id, type, start, end, props}], nodes: [{id, labels, props}], total}
// doc: One breadth-first level: for each node id in $frontier, the first $cap adjacent
//   relationships (either direction; type filter $types, neighbour label filter $labels,
//   null for all) ordered by type, neighbour id, relationship id, with their neighbours,
//   and the total number that pass the filters. LIMIT inside the per-node subquery keeps
//   a supernode from being returned in full.
UNWIND $frontier AS fid
MATCH (n:Entity {id: fid})
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE ($types IS NULL OR type(r) IN $types)
    AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))
  WITH r, m ORDER BY type(r), m.id, r.id LIMIT $cap
  RETURN collect({id: r.id, type: type(r), start: startNode(r).id, end: endNode(r).id,
                  props: properties(r)}) AS rels,
         collect({id: m.id, labels: labels(m), props: properties(m)}) AS nodes
}
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE ($types IS NULL OR type(r) IN $types)
    AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))
  RETURN count(r) AS total
}
RETURN fid, rels, nodes, total

// name: shortest_paths
// params: source, target, types, limit
// mode: read
// returns: rows of {nodes: [id], rels: [{id, type, start, end, props}]}, first $limit
// doc: All shortest undirected paths of at most 4 relationships whose types are all in
//   $types, ordered by the sequence of node ids, then of (type, relationship id).
//   The bound 4 is fixed in the text (Cypher takes no parameter there); a smaller
//   max_hops is applied by the caller.
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = allShortestPaths((a)-[rs*..4]-(b))
WHERE all(r IN rs WHERE type(r) IN $types)
WITH p, rs, [n IN nodes(p) | n.id] AS ids, [r IN rs | [type(r), r.id]] AS keys
ORDER BY ids, keys
LIMIT $limit
RETURN ids AS nodes,
       [r IN rs | {id: r.id, type: type(r), start: startNode(r).id, end: endNode(r).id,
                   props: properties(r)}] AS rels
