-- Named helpers are the first few people in a role by name, at a site or in
-- the organisation: read them from the index in order, without sorting.
DROP INDEX people_site_role;
CREATE INDEX people_site_role_name ON people (site_id, role_code, name, id);
CREATE INDEX people_org_role_name ON people (org_id, role_code, name, id);
