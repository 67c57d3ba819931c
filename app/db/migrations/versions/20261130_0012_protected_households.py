"""the households with skyddade personuppgifter, kept by the server

PostgreSQL only. The case policies of migration 0008 hide a case whose household has a
member with skyddade personuppgifter from everyone but its handläggare and the unit's chefs;
they asked for those households by joining the protected persons to their memberships in
every statement (~5 ms and 3 800 buffers at 100 000 households: the largest fixed cost of
a name search). The set is now a table of its own, kept by triggers on persons and
household memberships (so no client can forget it), and read by the same function.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 11:30:00
"""

from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'

UPGRADE = """
CREATE TABLE protected_households (
    household_id uuid PRIMARY KEY REFERENCES households (id) ON DELETE CASCADE
);
REVOKE ALL ON protected_households FROM PUBLIC;
REVOKE ALL ON protected_households FROM arendestod_app;

INSERT INTO protected_households (household_id)
SELECT DISTINCT m.household_id
FROM persons p JOIN household_members m ON m.person_id = p.id
WHERE p.protected_identity;

CREATE FUNCTION arendestod_note_protection(household uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DELETE FROM protected_households WHERE household_id = household;
    INSERT INTO protected_households (household_id)
    SELECT household WHERE EXISTS (
        SELECT 1 FROM household_members m JOIN persons p ON p.id = m.person_id
        WHERE m.household_id = household AND p.protected_identity
    );
$$;

CREATE FUNCTION arendestod_member_protection() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM arendestod_note_protection(OLD.household_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM arendestod_note_protection(NEW.household_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION arendestod_person_protection() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM arendestod_note_protection(m.household_id)
    FROM household_members m WHERE m.person_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER protection AFTER INSERT OR UPDATE OF household_id, person_id OR DELETE
    ON household_members FOR EACH ROW EXECUTE FUNCTION arendestod_member_protection();
CREATE TRIGGER protection AFTER UPDATE OF protected_identity ON persons
    FOR EACH ROW WHEN (OLD.protected_identity IS DISTINCT FROM NEW.protected_identity)
    EXECUTE FUNCTION arendestod_person_protection();

CREATE OR REPLACE FUNCTION arendestod_protected_households() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT household_id FROM protected_households
$$;
"""

DOWNGRADE = """
CREATE OR REPLACE FUNCTION arendestod_protected_households() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT m.household_id
    FROM persons p JOIN household_members m ON m.person_id = p.id
    WHERE p.protected_identity
$$;
DROP TRIGGER IF EXISTS protection ON persons;
DROP TRIGGER IF EXISTS protection ON household_members;
DROP FUNCTION IF EXISTS arendestod_person_protection();
DROP FUNCTION IF EXISTS arendestod_member_protection();
DROP FUNCTION IF EXISTS arendestod_note_protection(uuid);
DROP TABLE IF EXISTS protected_households;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(UPGRADE)
    for name in ('arendestod_note_protection(uuid)',):
        op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(DOWNGRADE)
