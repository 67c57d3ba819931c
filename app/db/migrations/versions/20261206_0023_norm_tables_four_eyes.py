"""a riksnorm table is entered by one administrator and approved by another (four-eyes)

Issue 19 (defect 1): an administrator's norm table applied to every calculation the moment
she saved it, and 0017 let any one active administrator insert or rewrite one. Now a table
an administrator enters is a draft (`status` 'draft', `published_by` = who entered it,
`published_at` = when); it applies only once another administrator approves it
(`approved_by`, `approved_at`, status 'approved'); a later approved table of the same year
replaces it (status 'replaced', kept as history). At most one approved and one draft table
per year (partial unique indexes instead of the unique year). Tables entered before this
migration become drafts: none of them was approved by a second administrator.

On the shared server, for the users' own login roles (the schema owner, who runs
migrations, `db init-server` and `demo`, is trusted as in 0021), besides 0017's rule that
only an active administrator writes norm_tables:

- a new row is a draft entered in the user's own name (published_by = the session's user),
  with no approver;
- what was entered (year, table, who and when) is never changed; only the status moves:
  draft -> approved by the session's user, who is not the one who entered it, at the
  server's time; approved -> replaced (when a newer table of the year is approved);
- only a draft is deleted; an approved or replaced table stays (decisions were computed with
  it).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 14:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

TABLE = 'norm_tables'
INDEXES = {
    'uq_norm_tables_year_approved': "status = 'approved'",
    'uq_norm_tables_year_draft': "status = 'draft'",
}

FUNCTION = """
CREATE FUNCTION arendestod_norm_table_four_eyes() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who uuid;
BEGIN
    IF pg_catalog.pg_has_role(
        session_user,
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;  -- the schema owner
    END IF;
    IF public.arendestod_user_role() IS DISTINCT FROM 'administrator' THEN
        -- not an active administrator: 0017's row-level security refuses the row
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    who := public.arendestod_user_id();
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' OR NEW.approved_by IS NOT NULL OR NEW.approved_at IS NOT NULL
        THEN
            RAISE EXCEPTION 'En ny riksnorm läggs in som utkast: en annan administratör '
                            'godkänner den innan den gäller.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.published_by IS DISTINCT FROM who THEN
            RAISE EXCEPTION 'En riksnorm läggs in i ditt eget namn.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'En godkänd riksnorm tas inte bort: beslut har räknats med den. '
                            'Lägg in en ny tabell för året som ersätter den.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.year <> OLD.year OR NEW.table_json <> OLD.table_json
       OR NEW.published_by IS DISTINCT FROM OLD.published_by
       OR NEW.published_at <> OLD.published_at THEN
        RAISE EXCEPTION 'En inlagd riksnorm ändras inte. Lägg in en ny tabell för året.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'draft' AND NEW.status = 'approved' THEN
        IF NEW.approved_by IS DISTINCT FROM who THEN
            RAISE EXCEPTION 'En riksnorm godkänns i ditt eget namn.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF who IS NOT DISTINCT FROM OLD.published_by THEN
            RAISE EXCEPTION 'Du har själv lagt in riksnormen för %. En annan administratör '
                            'måste godkänna den (fyraögonprincipen).', OLD.year
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.approved_at := pg_catalog.now();
        RETURN NEW;
    END IF;
    IF NEW.approved_by IS DISTINCT FROM OLD.approved_by
       OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
       OR (NEW.status <> OLD.status
           AND NOT (OLD.status = 'approved' AND NEW.status = 'replaced')) THEN
        RAISE EXCEPTION 'En riksnorm går bara från utkast till godkänd (av en annan '
                        'administratör) och från godkänd till ersatt.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION arendestod_norm_table_four_eyes() FROM PUBLIC;
"""


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(
            sa.Column('status', sa.String(10), nullable=False, server_default='draft')
        )
        batch.add_column(sa.Column('approved_by', sa.Uuid(), nullable=True))
        batch.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            'fk_norm_tables_approved_by_users', 'users', ['approved_by'], ['id']
        )
        batch.create_check_constraint(
            'ck_norm_tables_status', "status IN ('draft', 'approved', 'replaced')"
        )
        batch.drop_constraint('uq_norm_tables_year', type_='unique')
    for name, condition in INDEXES.items():
        op.create_index(
            name,
            TABLE,
            ['year'],
            unique=True,
            sqlite_where=sa.text(condition),
            postgresql_where=sa.text(condition),
        )
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTION)
    op.execute(
        f'CREATE TRIGGER four_eyes BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_norm_table_four_eyes()'
    )


def downgrade() -> None:
    """Drafts and replaced tables are deleted: the schema before this migration uses every
    row of the table, and a draft was never approved."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP TRIGGER IF EXISTS four_eyes ON {TABLE}')
        op.execute('DROP FUNCTION IF EXISTS arendestod_norm_table_four_eyes()')
    op.execute(f"DELETE FROM {TABLE} WHERE status <> 'approved'")
    for name in INDEXES:
        op.drop_index(name, table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.create_unique_constraint('uq_norm_tables_year', ['year'])
        batch.drop_constraint('ck_norm_tables_status', type_='check')
        batch.drop_constraint('fk_norm_tables_approved_by_users', type_='foreignkey')
        batch.drop_column('approved_at')
        batch.drop_column('approved_by')
        batch.drop_column('status')
