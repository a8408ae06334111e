// name: timeline
// params: id, limit
// mode: read
// returns: rows of {at, kind, direction, via, other, rel_type, rel_id, amount, currency,
//   detail}
// doc: Dated items of one entity: transfers and calls of the node itself and of the
//   accounts/phones it HOLDS or USES (out and in), the cases it is in (opened, status),
//   events it LED or was TARGET_OF, posts (HOLDS_POST since/until, either end), and for
//   a Case its own dates and the events ABOUT it, for an Event its own time. Ordered by
//   at, kind, relationship type and id, via, other, direction; first $limit.
MATCH (n:Entity {id: $id})
CALL (n) {
  UNWIND [n] + COLLECT { MATCH (n)-[:{{types:instrument}}]->(x) RETURN DISTINCT x } AS own
  MATCH (own)-[t:{{types:money,communication}}]->(o)
  WITH t, own, o, type(t) IN {{list:communication}} AS call
  RETURN t.at AS at, CASE WHEN call THEN 'call' ELSE 'transfer' END AS kind,
         'out' AS direction, own.id AS via, o.id AS other, type(t) AS rel_type,
         t.id AS rel_id, t.amount AS amount,
         CASE WHEN t.amount IS NULL THEN null ELSE coalesce(t.currency, 'IDR') END AS currency,
         CASE WHEN call THEN t.kind ELSE t.channel END AS detail
  UNION ALL
  UNWIND [n] + COLLECT { MATCH (n)-[:{{types:instrument}}]->(x) RETURN DISTINCT x } AS own
  MATCH (own)<-[t:{{types:money,communication}}]-(o)
  WITH t, own, o, type(t) IN {{list:communication}} AS call
  RETURN t.at AS at, CASE WHEN call THEN 'call' ELSE 'transfer' END AS kind,
         'in' AS direction, own.id AS via, o.id AS other, type(t) AS rel_type,
         t.id AS rel_id, t.amount AS amount,
         CASE WHEN t.amount IS NULL THEN null ELSE coalesce(t.currency, 'IDR') END AS currency,
         CASE WHEN call THEN t.kind ELSE t.channel END AS detail
  UNION ALL
  MATCH (n)-[r:{{types:suspect,victim,witness,case_duty}}]->(c:Case)
  UNWIND [['case_opened', c.opened_at, null], ['case_status', c.status_at, c.status]] AS item
  RETURN item[1] AS at, item[0] AS kind, null AS direction, n.id AS via, c.id AS other,
         type(r) AS rel_type, r.id AS rel_id, null AS amount, null AS currency, item[2] AS detail
  UNION ALL
  MATCH (n)-[r:{{types:event_leader,event_target}}]->(e:Event)
  RETURN e.at AS at, 'event' AS kind, null AS direction, n.id AS via, e.id AS other,
         type(r) AS rel_type, r.id AS rel_id, null AS amount, null AS currency,
         CASE WHEN e.outcome IS NULL THEN e.kind ELSE e.kind + ':' + e.outcome END AS detail
  UNION ALL
  MATCH (n)-[r:{{types:post}}]-(x)
  UNWIND [['post_since', r.since], ['post_until', r.until]] AS item
  RETURN item[1] AS at, item[0] AS kind, null AS direction, n.id AS via, x.id AS other,
         type(r) AS rel_type, r.id AS rel_id, null AS amount, null AS currency,
         coalesce(r.position, r.rank) AS detail
  UNION ALL
  WITH n WHERE n:Case
  UNWIND [['case_opened', n.opened_at, null], ['case_status', n.status_at, n.status]] AS item
  RETURN item[1] AS at, item[0] AS kind, null AS direction, n.id AS via, n.id AS other,
         null AS rel_type, null AS rel_id, null AS amount, null AS currency, item[2] AS detail
  UNION ALL
  MATCH (n:Case)<-[r:{{types:event_case}}]-(e:Event)
  RETURN e.at AS at, 'event' AS kind, null AS direction, n.id AS via, e.id AS other,
         type(r) AS rel_type, r.id AS rel_id, null AS amount, null AS currency,
         CASE WHEN e.outcome IS NULL THEN e.kind ELSE e.kind + ':' + e.outcome END AS detail
  UNION ALL
  WITH n WHERE n:Event
  RETURN n.at AS at, 'event' AS kind, null AS direction, n.id AS via, n.id AS other,
         null AS rel_type, null AS rel_id, null AS amount, null AS currency,
         CASE WHEN n.outcome IS NULL THEN n.kind ELSE n.kind + ':' + n.outcome END AS detail
}
WITH at, kind, direction, via, other, rel_type, rel_id, amount, currency, detail
WHERE at IS NOT NULL
RETURN at, kind, direction, via, other, rel_type, rel_id, amount, currency, detail
ORDER BY at, kind, coalesce(rel_type, ''), coalesce(rel_id, ''), via, other,
         coalesce(direction, '')
LIMIT $limit
