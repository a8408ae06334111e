// name: common_contacts
// params: a, b, limit
// mode: read
// returns: rows of {phone, a_calls, b_calls, first_at, last_at}
// doc: The phones that were in contact (calls, SMS, chats, either direction) with both
//   $a and $b, with the number of contacts with each and the first and last of them.
//   Ordered by a_calls + b_calls descending, then phone; first $limit.
MATCH (:Phone {id: $a})-[x:{{types:communication}}]-(c:Phone)
WHERE c.id <> $a AND c.id <> $b
WITH c, count(x) AS a_calls, min(x.at) AS a_first, max(x.at) AS a_last
MATCH (:Phone {id: $b})-[y:{{types:communication}}]-(c)
WITH c, a_calls, a_first, a_last, count(y) AS b_calls, min(y.at) AS b_first,
     max(y.at) AS b_last
RETURN c.id AS phone, a_calls, b_calls,
       CASE WHEN b_first IS NULL OR a_first <= b_first THEN a_first ELSE b_first END
         AS first_at,
       CASE WHEN b_last IS NULL OR a_last >= b_last THEN a_last ELSE b_last END AS last_at
ORDER BY a_calls + b_calls DESC, phone
LIMIT $limit

// name: colocated
// params: phone, seconds, limit
// mode: read
// returns: rows of {phone, calls, cells, first_at, last_at}
// doc: Other phones whose calls were served by a cell (cell_id and lac) that served a
//   call of $phone at most $seconds before or after: per phone, how many of its calls,
//   the cells ("lac/cell_id", or cell_id without a lac; sorted by the caller), and the first and last
//   of those calls. Each cell of $phone's calls is read once, through the index on
//   CALLED.cell_id (graph/store/schema.py; hinted, as a small store's statistics would
//   scan instead), keeping the calls within a window of one of $phone's calls there.
//   Ordered by calls descending, then phone; first $limit.
MATCH (:Phone {id: $phone})-[x:{{types:communication}}]->()
WHERE x.cell_id IS NOT NULL AND x.at IS NOT NULL
WITH x.cell_id AS cell, coalesce(x.lac, '') AS lac, datetime(x.at) AS at
WITH cell, lac,
     collect([at - duration({seconds: $seconds}), at + duration({seconds: $seconds})]) AS windows
MATCH (q:Phone)-[y:{{types:communication}}]->()
USING INDEX y:{{types:communication}}(cell_id)
WHERE y.cell_id = cell AND coalesce(y.lac, '') = lac AND q.id <> $phone AND y.at IS NOT NULL
WITH q, y, windows, datetime(y.at) AS t
WHERE any(w IN windows WHERE w[0] <= t <= w[1])
WITH q.id AS phone, y,
     CASE WHEN coalesce(y.lac, '') = '' THEN y.cell_id ELSE y.lac + '/' + y.cell_id END AS cell
WITH phone, count(DISTINCT y) AS calls, collect(DISTINCT cell) AS cells, min(y.at) AS first_at,
     max(y.at) AS last_at
RETURN phone, calls, cells, first_at, last_at
ORDER BY calls DESC, phone
LIMIT $limit
