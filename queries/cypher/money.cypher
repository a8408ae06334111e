// name: accounts_of
// params: ids
// mode: read
// returns: rows of {id, accounts: [account id]} for the ids that exist
// doc: For each id: itself when it is an Account, else the accounts it HOLDS.
UNWIND $ids AS i
MATCH (n:Entity {id: i})
RETURN n.id AS id,
       CASE WHEN n:Account THEN [n.id]
            ELSE COLLECT { MATCH (n)-[:HOLDS]->(a:Account) RETURN DISTINCT a.id }
       END AS accounts

// name: holders_of
// params: ids
// mode: read
// returns: rows of {id, holders: [holder id]}
// doc: The people and organizations that HOLD each account in $ids.
UNWIND $ids AS i
MATCH (a:Account {id: i})
RETURN a.id AS id, COLLECT { MATCH (h)-[:HOLDS]->(a) RETURN DISTINCT h.id } AS holders

// name: money_trail
// params: starts, targets, to_officials, min_amount, window_hours, max_hops, limit
// mode: read
// returns: rows of {nodes: [account id], rels: [{id, start, end, amount, currency, at}]}
// doc: Money trails from the accounts $starts that follow TRANSFERRED direction: every
//   transfer at least $min_amount, each one strictly later than the one before and at
//   most $window_hours after it; at most $max_hops (and never more than 4, fixed in the
//   text) transfers; ending in $targets (null: anywhere) and, when $to_officials, at an
//   account an Official HOLDS. Ordered by hops, first transfer time, account ids,
//   transfer ids; first $limit.
UNWIND $starts AS sid
MATCH (s:Account {id: sid})
MATCH p = (s)-[rs:TRANSFERRED*1..4]->(e:Account)
WHERE size(rs) <= $max_hops
  AND all(r IN rs WHERE r.amount >= $min_amount)
  AND all(i IN range(0, size(rs) - 2)
          WHERE rs[i + 1].at > rs[i].at
            AND datetime(rs[i + 1].at) <= datetime(rs[i].at) + duration({hours: $window_hours}))
  AND ($targets IS NULL OR e.id IN $targets)
  AND (NOT $to_officials OR EXISTS { (:Official)-[:HOLDS]->(e) })
WITH [n IN nodes(p) | n.id] AS nodes, rs
ORDER BY size(rs), rs[0].at, nodes, [r IN rs | r.id]
LIMIT $limit
RETURN nodes,
       [r IN rs | {id: r.id, start: startNode(r).id, end: endNode(r).id, amount: r.amount,
                   currency: r.currency, at: r.at}] AS rels
