// name: victims
// params:
// mode: read
// returns: rows of {id, props, phones: [id], accounts: [[id, number]]}
// doc: Every person VICTIM_IN a case, with all their properties, the phones they USE
//   and the accounts they HOLD (what reskrim sees masked: graph_api.web.masking).
MATCH (p:Person)-[:{{types:victim}}]->(:Case)
WITH DISTINCT p
RETURN p.id AS id, properties(p) AS props,
       COLLECT { MATCH (p)-[:{{types:instrument/communication}}]->(ph:Phone) RETURN DISTINCT ph.id } AS phones,
       COLLECT { MATCH (p)-[:{{types:instrument/money}}]->(a:Account) RETURN DISTINCT [a.id, a.number] } AS accounts

// name: accounts_numbered
// params: numbers
// mode: read
// returns: rows of {id, number}
// doc: The accounts whose number is one of $numbers (an e-wallet registered to a phone
//   number carries it as its account number, in any of its written forms).
MATCH (a:Account)
WHERE a.number IN $numbers
RETURN a.id AS id, a.number AS number

// name: rels_touching
// params: ids
// mode: read
// returns: rows of {id}
// doc: The ids of every relationship that starts or ends at one of the nodes $ids.
UNWIND $ids AS i
MATCH (:Entity {id: i})-[r]-()
RETURN DISTINCT r.id AS id
