"""the case register keeps its shape on the server: nothing of a case is deleted, a case keeps
its number, unit, household and handläggare, its status moves only as the program moves it,
and persons are changed only through a case one may work in

PostgreSQL only. Found beyond issue 18's list, attacking with a handläggare's own login role:

- **Case content could be deleted.** The program never deletes a case, a journal entry, a
  decision, a form, a plan, an application, a status change, a support barrier, a follow-up,
  a household or a person (drafts included: they are kept or signed, and a case is closed,
  not removed); row-level security let a user delete every unsigned row of her cases, and
  the status history the statistics count (`case_status_changes`) whole.
- **A case could be moved or taken over.** `UPDATE cases` could give a colleague's case a
  new handläggare (herself), number, household or start date, and set any status, such as
  "aktuell" straight from "aktualiserad" or "avslutad" without a reason, which the program's
  `case_register.change_status` refuses.
- **Persons of other units' cases could be renamed.** Persons without skydd and their
  household memberships are visible to every handläggare (a new applicant must be found
  before a second registration), and the policy that shows them also let her write them: a
  handläggare of another unit could rename a person, change a personnummer, or add and
  remove members of a household she cannot see.

Now, for the users' login roles (the schema owner is not bound, as by no policy):

- `no_delete` (BEFORE DELETE) on the case and its content tables refuses every delete. The
  rows of a draft that the program does remove (a decision draft's items when it is saved
  again, plan items, household memberships) are not among them.
- `guard_case` on cases: a new case starts "aktualiserad", with a handläggare of its own
  unit or none; afterwards its id, number, unit, household, start date, handläggare and
  creation stay as they were, the status moves only along `case_register.ALLOWED_TRANSITIONS`,
  a case is closed only with a reason and reopened without one.
- `case_status_changes` is append-only (no update; no delete, above), each row in its
  writer's own name.
- Restrictive policies on persons and household_members: a person is changed only if she
  belongs to no case yet (the new-case wizard) or to the household of a case the user may
  see (the cases policy); a membership is added, changed or removed only in a household of
  such a case, or of none.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 14:30:00
"""

from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'

KEPT_TABLES = (
    'cases',
    'applications',
    'case_status_changes',
    'journal_entries',
    'plans',
    'support_barriers',
    'decisions',
    'follow_up_tasks',
    'forms',
    'households',
    'persons',
)
"""Never deleted by the program (decision_items, plan_items and household_members are:
a draft's rows, through their parent's `delete-orphan`)."""

TRANSITIONS = (
    ('aktualiserad', 'utredning'),
    ('aktualiserad', 'avslutad'),
    ('utredning', 'aktuell'),
    ('utredning', 'avslutad'),
    ('aktuell', 'utredning'),
    ('aktuell', 'avslutad'),
    ('avslutad', 'utredning'),
)
"""app.cases.case_register.ALLOWED_TRANSITIONS (a test holds the two equal)."""

NOTHING_DELETED = (
    'Uppgifter i ett ärende tas inte bort. Ett ärende avslutas, och ett utkast ligger kvar '
    'tills det signeras.'
)
CASE_KEPT = 'Ett ärendes nummer, enhet, hushåll, ansvariga handläggare och startdatum ändras inte.'


def _transitions_sql() -> str:
    return ', '.join(f"('{old}', '{new}')" for old, new in TRANSITIONS)


FUNCTIONS = f"""
CREATE FUNCTION arendestod_no_delete() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN OLD;  -- the owner
    END IF;
    RAISE EXCEPTION '{NOTHING_DELETED}'
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION arendestod_guard_case() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN NEW;  -- the owner
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'aktualiserad' OR NEW.closed_on IS NOT NULL
           OR NEW.closing_reason IS NOT NULL THEN
            RAISE EXCEPTION 'Ett nytt ärende börjar som aktualiserat.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.responsible_user_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM public.users u
            WHERE u.id = NEW.responsible_user_id AND u.unit_id = NEW.unit_id
        ) THEN
            RAISE EXCEPTION 'Ansvarig handläggare måste höra till enheten.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.case_number, NEW.unit_id, NEW.household_id, NEW.opened_on,
        NEW.responsible_user_id, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.case_number, OLD.unit_id, OLD.household_id, OLD.opened_on,
        OLD.responsible_user_id, OLD.created_at) THEN
        RAISE EXCEPTION '{CASE_KEPT}'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status
       AND (OLD.status, NEW.status) NOT IN ({_transitions_sql()}) THEN
        RAISE EXCEPTION 'Ett ärende med status % kan inte få status %.', OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status = 'avslutad' AND OLD.status <> 'avslutad'
       AND (NEW.closing_reason IS NULL OR NEW.closing_reason = '' OR NEW.closed_on IS NULL) THEN
        RAISE EXCEPTION 'Välj en avslutsorsak.' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status <> 'avslutad' AND (NEW.closed_on IS NOT NULL OR NEW.closing_reason IS NOT NULL)
       OR (NEW.status = OLD.status
           AND (NEW.closed_on, NEW.closing_reason) IS DISTINCT FROM
               (OLD.closed_on, OLD.closing_reason)) THEN
        RAISE EXCEPTION 'Avslutsdatum och avslutsorsak sätts bara när ärendet avslutas.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION arendestod_keep_status_history() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN NEW;  -- the owner
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'Ett ärendes statushistorik ändras inte.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.changed_by IS DISTINCT FROM public.arendestod_user_id() THEN
        RAISE EXCEPTION 'Du kan bara ändra status i ditt eget namn.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- Whether the person is a member of the household of any case, whoever may see it.
CREATE FUNCTION arendestod_person_in_case(person uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.household_members m
        JOIN public.cases c ON c.household_id = m.household_id
        WHERE m.person_id = person
    )
$$;

-- The households the person is a member of (ids only), for asking whether the user may
-- see a case of one of them.
CREATE FUNCTION arendestod_person_households(person uuid) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
    SELECT m.household_id FROM public.household_members m WHERE m.person_id = person
$$;
"""

DEFINER_FUNCTIONS = ('arendestod_person_in_case(uuid)', 'arendestod_person_households(uuid)')
TRIGGER_FUNCTIONS = (
    'arendestod_no_delete()',
    'arendestod_guard_case()',
    'arendestod_keep_status_history()',
)

PERSON_WRITABLE = (
    'NOT (SELECT arendestod_person_in_case(persons.id)) OR EXISTS (SELECT 1 FROM cases c '
    'WHERE c.household_id IN (SELECT arendestod_person_households(persons.id)))'
)
"""The cases subquery is under the cases policy: the user's own view."""
MEMBERSHIP_WRITABLE = (
    'EXISTS (SELECT 1 FROM cases c WHERE c.household_id = household_members.household_id) '
    'OR NOT arendestod_household_has_case(household_members.household_id)'
)

WRITE_POLICIES = (
    # (table, policy, command, USING, WITH CHECK)
    ('persons', 'write_through_case', 'UPDATE', PERSON_WRITABLE, PERSON_WRITABLE),
    ('persons', 'delete_through_case', 'DELETE', PERSON_WRITABLE, None),
    ('household_members', 'add_through_case', 'INSERT', None, MEMBERSHIP_WRITABLE),
    ('household_members', 'write_through_case', 'UPDATE', MEMBERSHIP_WRITABLE, MEMBERSHIP_WRITABLE),
    ('household_members', 'delete_through_case', 'DELETE', MEMBERSHIP_WRITABLE, None),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    for name in (*DEFINER_FUNCTIONS, *TRIGGER_FUNCTIONS):
        op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')
    for name in DEFINER_FUNCTIONS:
        op.execute(f'GRANT EXECUTE ON FUNCTION {name} TO {APP_ROLE}')
    for table in KEPT_TABLES:
        op.execute(
            f'CREATE TRIGGER no_delete BEFORE DELETE ON {table} '
            'FOR EACH ROW EXECUTE FUNCTION arendestod_no_delete()'
        )
    op.execute(
        'CREATE TRIGGER guard_case BEFORE INSERT OR UPDATE ON cases '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_guard_case()'
    )
    op.execute(
        'CREATE TRIGGER keep_status_history BEFORE INSERT OR UPDATE ON case_status_changes '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_keep_status_history()'
    )
    for table, policy, command, using, check in WRITE_POLICIES:
        clauses = (f' USING ({using})' if using else '') + (
            f' WITH CHECK ({check})' if check else ''
        )
        op.execute(
            f'CREATE POLICY {policy} ON {table} AS RESTRICTIVE FOR {command} TO {APP_ROLE}'
            + clauses
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, policy, *_ in WRITE_POLICIES:
        op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
    op.execute('DROP TRIGGER IF EXISTS keep_status_history ON case_status_changes')
    op.execute('DROP TRIGGER IF EXISTS guard_case ON cases')
    for table in KEPT_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS no_delete ON {table}')
    for name in (*TRIGGER_FUNCTIONS, *DEFINER_FUNCTIONS):
        op.execute(f'DROP FUNCTION IF EXISTS {name}')
