// name: ring_cases
// params: ring_id
// mode: read
// returns: rows of {case_id, title, status, opened_at, status_at, member_suspects: [id],
//   suspects: [id], officials: [[official id, INVESTIGATES|SUPERVISES]]}
// doc: Every case in which a member of the ring $ring_id is SUSPECT_IN, with all its
//   suspects and the people who INVESTIGATE or SUPERVISE it. The caller sorts cases
//   into interfered (sp3, stalled) and counterweight (p21, vonis).
MATCH (:Ring {id: $ring_id})<-[:{{types:membership}}]-(m)-[:{{types:suspect}}]->(c:Case)
WITH c, collect(DISTINCT m.id) AS member_suspects
RETURN c.id AS case_id, c.title AS title, c.status AS status, c.opened_at AS opened_at,
       c.status_at AS status_at, member_suspects,
       COLLECT { MATCH (s)-[:{{types:suspect}}]->(c) RETURN DISTINCT s.id } AS suspects,
       COLLECT { MATCH (o)-[x:{{types:case_duty}}]->(c) RETURN DISTINCT [o.id, type(x)] }
         AS officials

// name: official_suspect_ties
// params: pairs
// mode: read
// returns: rows of {official_id, suspect_id, kind, rel_type, rel_id, at, amount, currency}
// doc: For each [official id, suspect id] in $pairs, their other ties: calls between
//   phones they USE, transfers between accounts they HOLD (either direction), and a
//   FAMILY or ASSOCIATE relationship between them.
UNWIND $pairs AS pair
MATCH (o:Entity {id: pair[0]})
MATCH (s:Entity {id: pair[1]})
CALL (o, s) {
  MATCH (o)-[:{{types:instrument/communication}}]->(:Phone)-[c:{{types:communication}}]-(:Phone)<-[:{{types:instrument/communication}}]-(s)
  RETURN 'call' AS kind, type(c) AS rel_type, c.id AS rel_id, c.at AS at, null AS amount,
         null AS currency
  UNION
  MATCH (o)-[:{{types:instrument/money}}]->(:Account)-[t:{{types:money}}]-(:Account)<-[:{{types:instrument/money}}]-(s)
  RETURN 'transfer' AS kind, type(t) AS rel_type, t.id AS rel_id, t.at AS at,
         t.amount AS amount,
         CASE WHEN t.amount IS NULL THEN null ELSE coalesce(t.currency, 'IDR') END AS currency
  UNION
  MATCH (o)-[f:{{types:kinship,association}}]-(s)
  RETURN toLower(type(f)) AS kind, type(f) AS rel_type, f.id AS rel_id, null AS at,
         null AS amount, null AS currency
}
RETURN pair[0] AS official_id, pair[1] AS suspect_id, kind, rel_type, rel_id, at, amount,
       currency

// name: tipoffs
// params: ring_id, window_hours
// mode: read
// returns: rows of {event_id, event_at, outcome, official_id, via, member_id, call_id,
//   call_at, official_phone, member_phone}
// doc: Failed raids on the ring $ring_id (Event kind raid, outcome nothing_found or
//   escaped, that a member or an organization a member directs, owns or sits on the
//   board of was TARGET_OF, or that is ABOUT a case with a member suspect), and every
//   call between a phone a member USES and a phone USED by an Official or by a FAMILY
//   relative of one, strictly before the raid and at most $window_hours before it.
MATCH (ring:Ring {id: $ring_id})
CALL (ring) {
  MATCH (ring)<-[:{{types:membership}}]-()-[:{{types:event_target}}]->(e:Event) RETURN e
  UNION
  MATCH (ring)<-[:{{types:membership}}]-()-[:{{types:control}}]->(:Organization)
        -[:{{types:event_target}}]->(e:Event)
  RETURN e
  UNION
  MATCH (ring)<-[:{{types:membership}}]-()-[:{{types:suspect}}]->(:Case)<-[:{{types:event_case}}]-(e:Event) RETURN e
}
WITH ring, e
WHERE e.kind = 'raid' AND e.outcome IN ['nothing_found', 'escaped'] AND e.at IS NOT NULL
MATCH (ring)<-[:{{types:membership}}]-(m)-[:{{types:instrument/communication}}]->(pm:Phone)-[c:{{types:communication}}]-(po:Phone)<-[:{{types:instrument/communication}}]-(v:Person)
WHERE v <> m AND c.at < e.at
  AND datetime(c.at) >= datetime(e.at) - duration({hours: $window_hours})
CALL (v) {
  WITH v WHERE v:Official RETURN v AS o
  UNION
  MATCH (v)-[:{{types:kinship}}]-(o:Official) RETURN o
}
WITH e, m, pm, c, po, v, o WHERE o <> m
RETURN DISTINCT e.id AS event_id, e.at AS event_at, e.outcome AS outcome,
       o.id AS official_id, v.id AS via, m.id AS member_id, c.id AS call_id,
       c.at AS call_at, po.id AS official_phone, pm.id AS member_phone
