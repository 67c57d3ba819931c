"""the name index's protected rows checked case by case, not against the unit's cases (issue 21)

PostgreSQL only. The name index's policy (0036) lets a user read a protected household's
rows only where the cases policy shows the case: `EXISTS (SELECT 1 FROM cases c WHERE
c.id = case_id)`. PostgreSQL planned that EXISTS as a hashed subplan: at the first
protected row among the hits it read every case of the unit the user may see and hashed
them (49 553 cases, 43 ms of a 70 ms surname search at 100 000 households, EXPLAIN
ANALYZE as a handläggare), to answer for the two or three protected rows a search meets.

`arendestod_case_visible(case_id)` asks the same question of one case: a SQL function with
its own search_path is not inlined, so the planner cannot turn it into a hash, and it runs
as the caller (SECURITY INVOKER): the cases policy decides, as before. It is called only
for a protected household's rows (the OR's second arm). The rows a user may read are the
same (tests/core/cases/test_name_index.py, tests/core/security).

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07 09:00:00
"""

from alembic import op

revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
TABLE = 'case_search_names'
FUNCTION = 'public.arendestod_case_visible(uuid)'

OWN_UNIT = (
    '(SELECT public.arendestod_is_staff()) AND unit_id = (SELECT public.arendestod_user_unit()) '
    'AND (household_id NOT IN (SELECT public.arendestod_protected_households()) '
)
VISIBLE = OWN_UNIT + f'OR public.arendestod_case_visible({TABLE}.case_id))'
VISIBLE_0036 = OWN_UNIT + f'OR EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {TABLE}.case_id))'


def _policy(using: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS unit_readers ON {TABLE}',
        f'CREATE POLICY unit_readers ON {TABLE} FOR SELECT TO {APP_ROLE} USING ({using})',
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(
        f'CREATE FUNCTION {FUNCTION} RETURNS boolean\n'
        '    LANGUAGE sql STABLE SECURITY INVOKER '
        'SET search_path = pg_catalog, public, pg_temp AS $$\n'
        '    SELECT EXISTS (SELECT 1 FROM public.cases c WHERE c.id = $1)\n'
        '$$'
    )
    op.execute(f'REVOKE ALL ON FUNCTION {FUNCTION} FROM PUBLIC')
    op.execute(f'GRANT EXECUTE ON FUNCTION {FUNCTION} TO {APP_ROLE}')
    for statement in _policy(VISIBLE):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for statement in _policy(VISIBLE_0036):
        op.execute(statement)
    op.execute(f'DROP FUNCTION {FUNCTION}')
