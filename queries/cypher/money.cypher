// name: accounts_of
// params: ids
// mode: read
// returns: rows of {id, accounts: [id]} for the ids that exist
// doc: For each id: itself (money may move to or from it directly, e.g. cash handed
//   over) and the accounts it HOLDS (the model's money instruments).
UNWIND $ids AS i
MATCH (n:Entity {id: i})
RETURN n.id AS id,
       [n.id] + COLLECT { MATCH (n)-[:{{types:instrument/money}}]->(a) RETURN DISTINCT a.id }
       AS accounts

// name: holders_of
// params: ids
// mode: read
// returns: rows of {id, holders: [holder id]}
// doc: The people and organizations that HOLD each account in $ids.
UNWIND $ids AS i
MATCH (a:Entity {id: i})
RETURN a.id AS id,
       COLLECT { MATCH (h)-[:{{types:instrument/money}}]->(a) RETURN DISTINCT h.id } AS holders

// name: money_trail
// params: starts, targets, to_officials, min_amount, window_hours, max_hops, limit
// mode: read
// returns: rows of {nodes: [id], rels: [{id, type, start, end, amount, currency, at}]}
// doc: Money trails from $starts (accounts, or holders themselves) that follow the
//   direction of the model's money relationships (TRANSFERRED, ...): every
//   transfer at least $min_amount, each one strictly later than the one before and at
//   most $window_hours after it; at most $max_hops (and never more than 4, fixed in the
//   text) transfers; ending in $targets (null: anywhere) and, when $to_officials, at an
//   Official or an account an Official HOLDS. Ordered by hops, first transfer time,
//   node ids, transfer ids; first $limit.
UNWIND $starts AS sid
MATCH (s:Entity {id: sid})
MATCH p = (s)-[rs:{{types:money}}*1..4]->(e)
WHERE size(rs) <= $max_hops
  AND all(r IN rs WHERE r.amount >= $min_amount)
  AND all(i IN range(0, size(rs) - 2)
          WHERE rs[i + 1].at > rs[i].at
            AND datetime(rs[i + 1].at) <= datetime(rs[i].at) + duration({hours: $window_hours}))
  AND ($targets IS NULL OR e.id IN $targets)
  AND (NOT $to_officials OR e:Official
       OR EXISTS { (:Official)-[:{{types:instrument/money}}]->(e) })
WITH [n IN nodes(p) | n.id] AS nodes, rs
ORDER BY size(rs), rs[0].at, nodes, [r IN rs | r.id]
LIMIT $limit
RETURN nodes,
       [r IN rs | {id: r.id, type: type(r), start: startNode(r).id, end: endNode(r).id,
                   amount: r.amount, currency: r.currency, at: r.at}] AS rels
