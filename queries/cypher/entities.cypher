// name: search_identifiers
// params: values, phone
// mode: read
// returns: rows of {id, labels, props, matched} (a node may come once per way it matched)
// doc: Nodes whose strong identifier equals one of $values (node id, NIK, passport, NRP/NIP
//   on the person or on a post, account number, IMEI, NPWP, licence number), the Phone
//   whose number is $phone (E.164) and the people or organizations that use it. Index
//   seeks only, except NRP/NIP lists.
CALL () {
  MATCH (n:Entity) WHERE n.id IN $values RETURN n, 'id' AS matched
  UNION
  MATCH (n:Person) WHERE n.nik IN $values RETURN n, 'nik' AS matched
  UNION
  MATCH (n:Person) WHERE n.passport IN $values RETURN n, 'passport' AS matched
  UNION
  MATCH (n:Official) WHERE any(x IN coalesce(n.id_numbers, []) WHERE x IN $values)
  RETURN n, 'id_number' AS matched
  UNION
  MATCH (n:Official)-[h:{{types:post}}]->() WHERE h.id_number IN $values
  RETURN n, 'id_number' AS matched
  UNION
  MATCH (n:Account) WHERE n.number IN $values RETURN n, 'account' AS matched
  UNION
  MATCH (n:Handset) WHERE n.imei IN $values RETURN n, 'imei' AS matched
  UNION
  MATCH (n:Organization) WHERE n.npwp IN $values RETURN n, 'npwp' AS matched
  UNION
  MATCH (n:Organization) WHERE n.license_no IN $values RETURN n, 'license_no' AS matched
  UNION
  MATCH (n:Phone) WHERE n.number = $phone RETURN n, 'phone' AS matched
  UNION
  MATCH (:Phone {number: $phone})<-[:{{types:instrument/communication}}]-(n) RETURN n, 'phone_user' AS matched
}
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props, matched

// name: search_prefixes
// params: numbers, ids, limit
// mode: read
// returns: rows of {id, labels, props, matched}, at most $limit per way of matching
// doc: What a partial number or id finds: Phones whose number starts with one of $numbers
//   (E.164 prefixes, "0812" as "+62812") and who uses them, Accounts whose number and
//   nodes whose id start with one of $ids. Range-index seeks (STARTS WITH).
CALL () {
  UNWIND $numbers AS p MATCH (n:Phone) WHERE n.number STARTS WITH p
  WITH n ORDER BY n.id LIMIT $limit RETURN n, 'phone_prefix' AS matched
  UNION
  UNWIND $numbers AS p
  MATCH (ph:Phone)<-[:{{types:instrument/communication}}]-(n) WHERE ph.number STARTS WITH p
  WITH n ORDER BY n.id LIMIT $limit RETURN n, 'phone_user_prefix' AS matched
  UNION
  UNWIND $ids AS p MATCH (n:Account) WHERE n.number STARTS WITH p
  WITH n ORDER BY n.id LIMIT $limit RETURN n, 'account_prefix' AS matched
  UNION
  UNWIND $ids AS p MATCH (n:Entity) WHERE n.id STARTS WITH p
  WITH n ORDER BY n.id LIMIT $limit RETURN n, 'id_prefix' AS matched
}
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props, matched

// name: search_extras
// params: values, keys
// mode: read
// returns: rows of {id, labels, props}
// doc: Nodes whose extra column named in $keys (properties x_*) holds one of $values.
//   Reads every node: only for the columns the full-text index extra_values does not
//   cover yet (a column a load brought since the index was last made).
MATCH (n:Entity)
WHERE any(k IN $keys WHERE n[k] IN $values)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props

// name: search_extras_indexed
// params: lucene, values, keys
// mode: read
// returns: rows of {id, labels, props}
// doc: The same through the full-text index extra_values (one term per whole value):
//   $lucene is the quoted $values joined by OR; a hit is kept when one of its columns
//   in $keys equals a value (as search_extras), not only an element of a list.
CALL db.index.fulltext.queryNodes('extra_values', $lucene) YIELD node
WITH node WHERE any(k IN $keys WHERE node[k] IN $values)
RETURN node.id AS id, labels(node) AS labels, properties(node) AS props

// name: search_names
// params: lucene, candidates
// mode: read
// returns: rows of {id, labels, props} for up to $candidates full-text candidates
// doc: Candidate people, organizations and agencies from the full-text index name_search
//   (name, name_norm, aliases). $lucene is built from escaped, folded tokens; the final
//   score and order are computed in Python so that both stores rank alike.
CALL db.index.fulltext.queryNodes('name_search', $lucene, {limit: $candidates})
YIELD node
RETURN node.id AS id, labels(node) AS labels, properties(node) AS props

// name: entity
// params: id
// mode: read
// returns: one row {id, labels, props, sources: [properties of Source nodes]} or none
// doc: One node with its properties and the Source nodes named in its sources list.
MATCH (n:Entity {id: $id})
OPTIONAL MATCH (s:Source) WHERE s.id IN coalesce(n.sources, [])
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props,
       collect(properties(s)) AS sources

// name: subgraph_nodes
// params: ids
// mode: read
// returns: rows of {id, labels, props}
// doc: The nodes among $ids that exist.
MATCH (n:Entity) WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props

// name: subgraph_rels
// params: ids
// mode: read
// returns: rows of {id, type, start, end, props}
// doc: The relationships whose two ends are both among $ids (expand-into, so a
//   supernode in the set is not expanded fully).
MATCH (a:Entity) WHERE a.id IN $ids
MATCH (b:Entity) WHERE b.id IN $ids
MATCH (a)-[r]->(b)
RETURN r.id AS id, type(r) AS type, a.id AS start, b.id AS end, properties(r) AS props

// name: rings
// params:
// mode: read
// returns: rows of {id, name, members} ordered by id
// doc: Every ring with the number of distinct members (people or organizations).
MATCH (r:Ring)
RETURN r.id AS id, r.name AS name,
       size(COLLECT { MATCH (m)-[:{{types:membership}}]->(r) RETURN DISTINCT m.id }) AS members
ORDER BY id
