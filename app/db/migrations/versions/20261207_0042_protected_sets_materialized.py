"""the protected sets returned at once; the name index's protected rows checked cheaply (issue 21)

PostgreSQL only. Every policy that hides skyddade personuppgifter asks for the same two
sets: `household_id NOT IN (SELECT arendestod_protected_households())` (cases, 0008; the
name index, 0036/0040) and `person_id NOT IN (SELECT arendestod_protected_persons())`
(household memberships, 0008). Both were SQL functions with their own search_path
(SECURITY DEFINER): PostgreSQL cannot inline such a function, and runs a set-returning SQL
function one row at a time, starting the executor for each of its ~940 rows – 1.2–2.7 ms a
call at 100 000 households, and a name search asks 3–4 times a statement, plus once for every
protected household among its hits (`arendestod_case_visible`, 0040, runs the cases policy
again).

The same queries in PL/pgSQL with RETURN QUERY: the set is produced in one pass into a
tuplestore and the plan is kept for the session: 0.17–0.27 ms a call (EXPLAIN ANALYZE as
the owner, 100 000 households, warm). The functions keep their names, signatures, owner,
grants, volatility and search_path (CREATE OR REPLACE keeps the OID the policies refer to),
and their rows are the same rows read from the same tables: which rows a user may read or
write does not change. Nothing new is writable by anyone.

The functions are declared to return about 10 rows (ROWS 10; the default, and the real
size at 100 000 households, is ~1 000). The planner counted building and hashing the set
into every probe of a case by id, where a policy says `EXISTS (SELECT 1 FROM cases c WHERE
c.id = …)` (applications, decisions, plans, …): 9.22..11.45 a probe against 1.80..4.03
without it, though the set is built once per statement whatever the number of probes. So
for a few hundred rows it chose to read and hash every case of the unit instead (49 550
cases, 40–70 ms for the 21 cases of Mina ärenden's young-adult bevakningar). A `NOT IN`
over the set is hashed whatever its estimate (PostgreSQL hashes an uncorrelated `IN`
whenever it fits in memory), so the smaller estimate changes only that choice: the chef's
caseload of 2 000 cases at 100 000 households ran the same 16 statements in the same time
(164.7 / 160.9 ms summed, EXPLAIN ANALYZE as the chef).

The name index's two ordered indexes (0036) hold every column a search reads but
`household_id`, which its policy asks of every row (the protected households' test): each
row read was a visit to the table as well. A first-name prefix search at 100 000 households
read 1 290 rows of the first-name index for its open cases (the branch sorts them by last
name), 1 879 buffers and 12.5 ms (EXPLAIN ANALYZE as a handläggare). With `household_id`
INCLUDEd, the scans are index-only (the table is all-visible between writes). PostgreSQL
only: SQLite has no policy and its searches never read the column.

`arendestod_case_visible(case_id)` (0040), which the name index's policy asks for each row
of a protected household, ran the cases policy as the caller: a new query each call, with
the policy's four user lookups and the protected households' set made anew, ~0.4 ms a
call; the prefix search above meets 23 such rows (9 ms of its 20). It now asks the same
question of the case as the owner, in one indexed query whose plan the session keeps
(PL/pgSQL): the cases policy's own terms (an active handläggare or chef of the case's
unit; the unit's chef, the case's handläggare, or a household without skydd), like
`arendestod_protected_person_visible` (0008). It answers only for the caller, about a case
id the caller gives: what `SELECT 1 FROM cases WHERE id = …` answers them anyway. A test
holds it to the cases policy for every user and case (tests/core/security).

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 10:40:00
"""

from alembic import op

revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None

OPTIONS = 'STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp'
ROWS_ESTIMATE = 10
"""What the planner is told the sets hold (the module docstring says why)."""

QUERIES = {
    'arendestod_protected_households': 'SELECT household_id FROM public.protected_households',
    'arendestod_protected_persons': 'SELECT id FROM public.persons WHERE protected_identity',
}
"""The sets' queries, the same as 0012 (households) and 0008 (persons)."""


NAME_INDEXES = {
    'ix_case_search_names_last': ['last_name_key', 'first_name_key'],
    'ix_case_search_names_first': ['first_name_key', 'last_name_key'],
}
ORDER = ['case_number', 'case_id', 'person_id']
"""The name index's ordered indexes' columns after (unit_id, closed), as 0036 made them."""


CASE_VISIBLE = 'public.arendestod_case_visible(uuid)'
CASE_VISIBLE_AS_OWNER = """
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- the cases policy (migration 0008, READABLE_CASE_ROW) for the case $1 and the caller
    RETURN EXISTS (
        SELECT 1
        FROM public.cases c
        JOIN public.users u ON u.username = (SELECT session_user::text) AND u.active
        WHERE c.id = $1
          AND u.role IN ('handlaggare', 'chef')
          AND c.unit_id = u.unit_id
          AND (u.role = 'chef' OR c.responsible_user_id = u.id
               OR NOT EXISTS (SELECT 1 FROM public.protected_households p
                              WHERE p.household_id = c.household_id))
    );
END
$$"""
CASE_VISIBLE_AS_CALLER = """
    LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM public.cases c WHERE c.id = $1)
$$"""
"""As 0040 made it."""


def _name_indexes(include: list[str]) -> None:
    for name, names in NAME_INDEXES.items():
        op.drop_index(name, table_name='case_search_names')
        op.create_index(
            name,
            'case_search_names',
            ['unit_id', 'closed', *names, *ORDER],
            postgresql_include=include,
        )


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    _name_indexes(['household_id'])
    op.execute(f'CREATE OR REPLACE FUNCTION {CASE_VISIBLE} RETURNS boolean{CASE_VISIBLE_AS_OWNER}')
    for name, query in QUERIES.items():
        op.execute(
            f'CREATE OR REPLACE FUNCTION public.{name}() RETURNS SETOF uuid\n'
            f'    LANGUAGE plpgsql {OPTIONS} ROWS {ROWS_ESTIMATE} AS $$\n'
            f'BEGIN\n    RETURN QUERY {query};\nEND\n$$'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    _name_indexes([])
    op.execute(f'CREATE OR REPLACE FUNCTION {CASE_VISIBLE} RETURNS boolean{CASE_VISIBLE_AS_CALLER}')
    for name, query in QUERIES.items():
        op.execute(
            f'CREATE OR REPLACE FUNCTION public.{name}() RETURNS SETOF uuid\n'
            f'    LANGUAGE sql {OPTIONS} ROWS 1000 AS $$\n    {query}\n$$'
        )
