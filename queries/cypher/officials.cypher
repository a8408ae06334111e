// name: official_links
// params: id, max_hops, max_degree
// mode: read
// returns: rows of {target, roles: [member|suspect|member_org], nodes: [id], rels: [[type, id]]}
// doc: Every simple path (no node twice) of at most $max_hops (never more than 3, fixed
//   in the text) relationships of the link types, in either direction, from the Official
//   $id to a target: a ring member (MEMBER_OF a Ring), a suspect (SUSPECT_IN a Case), or
//   an organization that a ring member directs, sits on the board of, owns or works for.
//   Each combination of parallel relationships is a row; the caller groups them.
//   A path never passes THROUGH a node with more than $max_degree relationships (a
//   call centre, a shop's phone): it may end there, but is not expanded further, so a
//   supernode cannot blow the query up.
MATCH (o:Official {id: $id})
MATCH p = (o) ((a)-[rs:{{types:money,instrument,kinship,association,communication,case_duty,suspect,control,employment,membership}}]-(b)
          WHERE a.id = $id OR COUNT { (a)--() } <= $max_degree){1,3} (t)
WHERE size(rs) <= $max_hops
  AND all(i IN range(1, size(rs)) WHERE NOT nodes(p)[i] IN nodes(p)[0..i])
WITH p, rs, t,
     [x IN [
        CASE WHEN EXISTS { (t)-[:{{types:membership}}]->(:Ring) } THEN 'member' END,
        CASE WHEN EXISTS { (t)-[:{{types:suspect}}]->(:Case) } THEN 'suspect' END,
        CASE WHEN t:Organization AND EXISTS {
          (t)<-[:{{types:control,employment}}]-(m)-[:{{types:membership}}]->(:Ring)
        } THEN 'member_org' END
      ] WHERE x IS NOT NULL] AS roles
WHERE size(roles) > 0
RETURN t.id AS target, roles, [n IN nodes(p) | n.id] AS nodes,
       [r IN rs | [type(r), r.id]] AS rels
