"""application facts kept for the statistics (issue 21)

Both dialects: `applications` gets the values the statistics' första återkoppling and
beslut figures need (app/deadlines/application_facts.py): received_on, received_month,
response_due_at, response_minutes, responded_in_time, decision_days, and the covering index
`ix_applications_facts` that the statistics read grouped. Existing rows are filled in.

PostgreSQL: a BEFORE INSERT OR UPDATE trigger computes the values from the row and overwrites
whatever was sent, for every role (the values are derived: there is nothing for an owner to
restore), so a user writing over psql cannot store a false response time.
`arendestod_is_working_day(date)` mirrors app/deadlines/working_days.py (from 2005, when
nationaldagen replaced annandag pingst; a test compares the two day by day).

SQLite: the program computes the values (mapper events); the existing rows are filled in
here by the same Python function.

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-06 19:00:00
"""

from alembic import op
import sqlalchemy as sa



revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'

FUNCTIONS = f"""
-- A vardag: Monday to Friday and not an allmän helgdag, midsommarafton, julafton or
-- nyårsafton (app/deadlines/working_days.py). Holidays on a Saturday or Sunday need no rule.
CREATE FUNCTION public.arendestod_is_working_day(day date) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE {SEARCH_PATH} AS $$
DECLARE
    y integer := pg_catalog.date_part('year', day)::integer;
    month_day integer := pg_catalog.date_part('month', day)::integer * 100
                         + pg_catalog.date_part('day', day)::integer;
    a integer; b integer; c integer; d integer; e integer; f integer; g integer;
    h integer; i integer; k integer; l integer; m integer; n integer;
    easter date;
BEGIN
    IF pg_catalog.date_part('isodow', day) >= 6 THEN
        RETURN false;
    END IF;
    IF month_day IN (101, 106, 501, 1224, 1225, 1226, 1231)
       OR (month_day = 606 AND y >= 2005) THEN
        RETURN false;
    END IF;
    IF month_day BETWEEN 619 AND 625 AND pg_catalog.date_part('isodow', day) = 5 THEN
        RETURN false;  -- midsommarafton
    END IF;
    -- påskdagen (the anonymous Gregorian algorithm)
    a := y % 19; b := y / 100; c := y % 100; d := b / 4; e := b % 4;
    f := (b + 8) / 25; g := (b - f + 1) / 3; h := (19 * a + b - d - g + 15) % 30;
    i := c / 4; k := c % 4; l := (32 + 2 * e + 2 * i - h - k) % 7;
    m := (a + 11 * h + 22 * l) / 451; n := h + l - 7 * m + 114;
    easter := pg_catalog.make_date(y, n / 31, n % 31 + 1);
    IF day IN (easter - 2, easter + 1, easter + 39) OR (y < 2005 AND day = easter + 50) THEN
        RETURN false;
    END IF;
    RETURN true;
END
$$;

-- app/deadlines/application_facts.py's facts(), from the row: times in whole seconds
-- rounded half up, the Swedish wall clock, integer division towards zero.
CREATE FUNCTION public.arendestod_application_facts() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    received bigint := pg_catalog.round(EXTRACT(epoch FROM NEW.received_at));
    wall bigint;
    day_number bigint;
    second bigint;
    day date;
    next_day date;
    allowed bigint;
    due_wall bigint;
    answered bigint;
BEGIN
    wall := received + pg_catalog.date_part('epoch',
        (NEW.received_at AT TIME ZONE 'Europe/Stockholm') - (NEW.received_at AT TIME ZONE 'UTC')
    )::bigint;
    day_number := wall / 86400;
    second := wall - day_number * 86400;
    day := DATE '1970-01-01' + day_number::integer;
    next_day := day + 1;
    WHILE NOT public.arendestod_is_working_day(next_day) LOOP
        next_day := next_day + 1;
    END LOOP;
    IF public.arendestod_is_working_day(day) THEN
        allowed := CASE WHEN second = 0 THEN 86400 ELSE (next_day - day) * 86400 END;
    ELSE
        allowed := (next_day - day + 1) * 86400 - second;
    END IF;
    due_wall := wall + allowed;
    NEW.received_on := day;
    NEW.received_month := pg_catalog.date_part('year', day)::integer * 12
                          + pg_catalog.date_part('month', day)::integer - 1;
    NEW.response_due_at :=
        (pg_catalog.to_timestamp(due_wall) AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Stockholm';
    IF NEW.first_response_at IS NULL THEN
        NEW.response_minutes := NULL;
        NEW.responded_in_time := NULL;
    ELSE
        answered := pg_catalog.round(EXTRACT(epoch FROM NEW.first_response_at));
        NEW.response_minutes := (answered - received + 30) / 60;
        NEW.responded_in_time := answered + pg_catalog.date_part('epoch',
            (NEW.first_response_at AT TIME ZONE 'Europe/Stockholm')
            - (NEW.first_response_at AT TIME ZONE 'UTC'))::bigint <= due_wall;
    END IF;
    NEW.decision_days := NEW.decided_on - day;
    RETURN NEW;
END
$$;
"""

FUNCTION_NAMES = ('arendestod_is_working_day(date)', 'arendestod_application_facts()')


def _columns() -> list[sa.Column]:
    return [
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('received_month', sa.Integer(), nullable=True),
        sa.Column('response_due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('response_minutes', sa.Integer(), nullable=True),
        sa.Column('responded_in_time', sa.Boolean(), nullable=True),
        sa.Column('decision_days', sa.Integer(), nullable=True),
    ]


OPEN = 'response_minutes IS NULL OR decision_days IS NULL'
INDEXES = (
    # (name, table, columns, partial)
    ('ix_applications_facts', 'applications',
     ['received_month', 'response_minutes', 'responded_in_time', 'decision_days', 'case_id'],
     None),
    ('ix_applications_open', 'applications',
     ['received_month', 'case_id', 'response_due_at', 'received_on', 'response_minutes',
      'decision_days'], OPEN),
    ('ix_journal_entries_type_date', 'journal_entries',
     ['entry_type', 'entry_date', 'case_id', 'signed_at'], None),
    ('ix_support_barriers_month', 'support_barriers',
     ['month', 'case_id', 'person_id', 'code'], None),
)
"""The statistics' reads of a period (app/statistics/statistics.py)."""


def _backfill_sqlite() -> None:
    """The program's function, in chunks of rowids (1.17 M rows at 100 000 households)."""
    from app.deadlines.application_facts import facts
    from app.models.base import UtcDateTime

    bind = op.get_bind()
    table = sa.table(
        'applications',
        sa.column('received_at', UtcDateTime()),
        sa.column('first_response_at', UtcDateTime()),
        sa.column('decided_on', sa.Date()),
    )
    rowid = sa.literal_column('rowid')
    last = -1
    while True:
        rows = bind.execute(
            sa.select(rowid, table.c.received_at, table.c.first_response_at, table.c.decided_on)
            .where(rowid > last)
            .order_by(rowid)
            .limit(50_000)
        ).all()
        if not rows:
            return
        updates = []
        for key, received, responded, decided in rows:
            kept = facts(received, responded, decided)
            due = kept['response_due_at'].replace(tzinfo=None)
            updates.append((
                kept['received_on'].isoformat(), kept['received_month'],
                due.isoformat(sep=' ', timespec='microseconds'),
                kept['response_minutes'],
                None if kept['responded_in_time'] is None else int(kept['responded_in_time']),
                kept['decision_days'], key,
            ))
        bind.exec_driver_sql(
            'UPDATE applications SET received_on = ?, received_month = ?, response_due_at = ?, '
            'response_minutes = ?, responded_in_time = ?, decision_days = ? WHERE rowid = ?',
            updates,
        )
        last = rows[-1][0]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        for column in _columns():
            op.add_column('applications', column)
        op.execute(FUNCTIONS)
        for name in FUNCTION_NAMES:
            op.execute(f'REVOKE ALL ON FUNCTION public.{name} FROM PUBLIC')
        # the trigger runs as the writing user, who asks for the working days
        op.execute(f'GRANT EXECUTE ON FUNCTION public.{FUNCTION_NAMES[0]} TO {APP_ROLE}')
        op.execute(
            'CREATE TRIGGER keep_application_facts BEFORE INSERT OR UPDATE ON applications '
            'FOR EACH ROW EXECUTE FUNCTION public.arendestod_application_facts()'
        )
        # the rows there are: through the trigger, without the audit and change triggers
        # (the content does not change)
        op.execute('ALTER TABLE applications DISABLE TRIGGER USER')
        op.execute('ALTER TABLE applications ENABLE TRIGGER keep_application_facts')
        op.execute('UPDATE applications SET received_at = received_at')
        op.execute('ALTER TABLE applications ENABLE TRIGGER USER')
    else:
        with op.batch_alter_table('applications') as batch:
            for column in _columns():
                batch.add_column(column)
        _backfill_sqlite()
    for name, table, columns, partial in INDEXES:
        where = sa.text(partial) if partial else None
        op.create_index(name, table, columns, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    for name, table, *_ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS keep_application_facts ON applications')
        for name in FUNCTION_NAMES:
            op.execute(f'DROP FUNCTION IF EXISTS public.{name}')
    with op.batch_alter_table('applications') as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
