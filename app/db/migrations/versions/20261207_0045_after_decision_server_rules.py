"""the server's rules for the registers after the decision (issue 23)

PostgreSQL only (on SQLite this does nothing): the six tables of migration 0044 get the
rules the case tables have, and the access rules of the issue, so that a user's own login
role over psql can do no more than the program allows. The schema owner (migrations,
`db init-server`, the demo data) is bound only by what binds it elsewhere (keep_signed).

Case content (decision_deliveries, appeals, appeal_rulings, and the letters of an appeal):

- row-level security: read and written with the case (the cases policy of 0008);
- a case checked out to a laptop is changed only from it (0019's `hold_lease`);
- every write audited by the server (0014's `arendestod_audit_rows`) and the case's change
  counter moved (0013's per-table function), so a laptop pulls the change;
- nothing is deleted: DELETE is not granted on any of the six tables;
- `guard_after_decision`: a delivery or an appeal is of a signed decision of the same
  case; a ruling of an appeal of the same case (its follow-up decision of the same case);
  an appeal's `replacing_decision_id` is a signed decision of the same case that replaces
  the appealed one; `recorded_by`/`registered_by` is the writer herself (a later writer
  keeps it or puts her own name); a row stays in its case.

Complaints (unit registers, not case content: no lease holds them):

- registered by a handläggare or chef of the unit, in her own name; read by the unit's
  chefs, and by a handläggare when she registered it, it is about her, or it is linked to
  a case she is responsible for; a complaint linked to a case is read only by those who
  may read the case (skyddade personuppgifter); changed only by a chef of the unit;
  administrators and other units see nothing;
- complaint_measures: read with the complaint and by the one responsible for the
  measure; written by a chef of the complaint's unit.

Letters: a complaint's answer is read with the complaint and drafted by a chef of its unit;
an appeal's letters with the case. Signed letters never change (0008's keep_signed, now
letting a letter's PDF be stored once as a decision's is); the signer is the session's own
user (0018's bind_signer); an answer to a complaint is signed by a chef of its unit, an
avvisning of an appeal by a holder of an "avsla" delegation for the appealed decision's
kind (0025's arendestod_has_delegation).

The audit log's vocabulary (0039's arendestod_audit_admit) takes the program's words for the
new registers (AUDIT_ENTITIES), so that the services' audit rows are not refused.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-07 16:00:00
"""


from alembic import op

from app.db.migrate import earlier_migration

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"

AUDIT_ENTITIES = (
    "decision_delivery",
    "decision_deliveries",
    "appeal",
    "appeal_court",
    "appeals",
    "appeal_ruling",
    "complaint",
    "complaints",
    "complaint_measure",
    "letter",
)
"""The entities of the program's audit rows about the new registers (app.appeals,
app.complaints, app.decisions.letters), added to 0039's vocabulary."""

CASE_TABLES = ("decision_deliveries", "appeals", "appeal_rulings")
"""The case content of migration 0044 (column case_id, never NULL)."""
TABLES = (*CASE_TABLES, "complaints", "complaint_measures", "letters")
HELD_TABLES = (*CASE_TABLES, "letters")
"""Changed only from the laptop a case is checked out to (letters with their case)."""
CHANGE_COUNTED = (*CASE_TABLES, "letters", "complaints")
"""Rows that travel with a checked-out case (app.offline.replica_copy)."""
GUARDED = (*CASE_TABLES, "complaints", "letters")

# the session's user, role and unit once per statement (InitPlans), as in 0008
SERIES_TABLE = "complaint_number_series"
ACTIVE_USER = "(SELECT arendestod_user_role()) IS NOT NULL"
SERIES_POLICIES = (
    ("read", "SELECT", f"USING ({ACTIVE_USER})"),
    (
        "start",
        "INSERT",
        "WITH CHECK ((SELECT arendestod_is_staff()) AND last_number BETWEEN 0 AND 1)",
    ),
    (
        "take_number",
        "UPDATE",
        "USING ((SELECT arendestod_is_staff())) WITH CHECK ((SELECT arendestod_is_staff()))",
    ),
)
"""The complaints' number series (app.complaints.complaint_register), as 0017's for cases."""

USER_ID = "(SELECT arendestod_user_id())"
USER_ROLE = "(SELECT arendestod_user_role())"
USER_UNIT = "(SELECT arendestod_user_unit())"
IS_STAFF = "(SELECT arendestod_is_staff())"
IS_CHEF = f"{USER_ROLE} = 'chef'"


def _case_visible(column: str) -> str:
    """The case `column` refers to is visible (through the cases policy), as in 0008."""
    return f"EXISTS (SELECT 1 FROM cases c WHERE c.id = {column})"


COMPLAINT_READABLE = (
    f"{IS_STAFF} AND unit_id = {USER_UNIT} "
    f"AND (case_id IS NULL OR {_case_visible('complaints.case_id')}) "
    f"AND ({IS_CHEF} OR registered_by = {USER_ID} OR concerns_user_id = {USER_ID} "
    "OR EXISTS (SELECT 1 FROM cases c WHERE c.id = complaints.case_id "
    f"AND c.responsible_user_id = {USER_ID}))"
)
COMPLAINT_LINK = (
    "(case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = complaints.case_id "
    "AND c.unit_id = complaints.unit_id))"
)
"""A linked case is one the writer may see, of the complaint's unit."""
COMPLAINT_REGISTERED = (
    f"{IS_STAFF} AND unit_id = {USER_UNIT} AND registered_by = {USER_ID} AND {COMPLAINT_LINK}"
)
COMPLAINT_CHANGED = f"{IS_CHEF} AND unit_id = {USER_UNIT} AND {COMPLAINT_LINK}"

CHEF_OF_COMPLAINT = (
    f"{IS_CHEF} AND EXISTS (SELECT 1 FROM complaints c WHERE c.id = {{table}}.complaint_id "
    f"AND c.unit_id = {USER_UNIT})"
)
LETTER_READABLE = (
    "CASE WHEN complaint_id IS NOT NULL "
    "THEN EXISTS (SELECT 1 FROM complaints c WHERE c.id = letters.complaint_id) "
    f"ELSE {_case_visible('letters.case_id')} END"
)
LETTER_WRITABLE = (
    "CASE WHEN complaint_id IS NOT NULL "
    f"THEN {CHEF_OF_COMPLAINT.format(table='letters')} "
    f"ELSE {_case_visible('letters.case_id')} END"
)

POLICIES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    # (table, policy, command, USING, WITH CHECK)
    *(
        (table, "case_access", "ALL", _case_visible(f"{table}.case_id"), None)
        for table in CASE_TABLES
    ),
    ("complaints", "complaint_read", "SELECT", COMPLAINT_READABLE, None),
    ("complaints", "complaint_register", "INSERT", None, COMPLAINT_REGISTERED),
    ("complaints", "complaint_change", "UPDATE", COMPLAINT_CHANGED, COMPLAINT_CHANGED),
    (
        "complaint_measures",
        "measure_read",
        "SELECT",
        "EXISTS (SELECT 1 FROM complaints c WHERE c.id = complaint_measures.complaint_id) "
        f"OR responsible_user_id = {USER_ID}",
        None,
    ),
    (
        "complaint_measures",
        "measure_write",
        "INSERT",
        None,
        CHEF_OF_COMPLAINT.format(table="complaint_measures"),
    ),
    (
        "complaint_measures",
        "measure_change",
        "UPDATE",
        CHEF_OF_COMPLAINT.format(table="complaint_measures"),
        CHEF_OF_COMPLAINT.format(table="complaint_measures"),
    ),
    ("letters", "letter_read", "SELECT", LETTER_READABLE, None),
    ("letters", "letter_draft", "INSERT", None, LETTER_WRITABLE),
    ("letters", "letter_change", "UPDATE", LETTER_WRITABLE, LETTER_WRITABLE),
)
"""No DELETE policy, and DELETE is not granted: nothing of these registers is removed."""

TRANSITION_TABLES = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
"""0019's hold_lease triggers' transition tables."""
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
"""0013's and 0014's statement triggers."""


def _case_changes_function(table: str) -> str:
    """Migration 0013's function for a table with a case_id column."""
    return f"""
CREATE FUNCTION arendestod_case_changes_{table}() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
BEGIN
    INSERT INTO case_changes (case_id, seq)
    SELECT changed.case_id, nextval('case_change_counter')
    FROM (SELECT DISTINCT x.case_id FROM (SELECT case_id FROM changed_rows) AS x(case_id)
          WHERE x.case_id IS NOT NULL) AS changed
    WHERE EXISTS (SELECT 1 FROM cases c WHERE c.id = changed.case_id)
    ON CONFLICT (case_id) DO UPDATE SET seq = EXCLUDED.seq;
    RETURN NULL;
END
$$;
"""


def _refuse(message: str) -> str:
    return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege';"


NOT_OWN_NAME = "Du kan bara registrera i ditt eget namn."
STAYS_IN_CASE = "En uppgift efter beslutet stannar i sitt ärende."
DELIVERY_DECISION = "Delgivningen ska gälla ett signerat beslut i samma ärende."
APPEAL_DECISION = "Överklagandet ska gälla ett signerat beslut i samma ärende."
REPLACING_DECISION = (
    "Beslutet efter omprövningen ska vara ett signerat beslut i samma ärende som ersätter "
    "det överklagade beslutet."
)
RULING_APPEAL = "Domen ska gälla ett överklagande i samma ärende."
FOLLOW_UP_DECISION = "Beslutet som verkställer domen ska höra till samma ärende."
COMPLAINT_KEPT = "Vem som registrerat en synpunkt och vilken enhet den gäller ändras inte."
AUTHOR_KEPT = "Vem som skrivit ett utkast kan inte ändras."
DRAFT_SIGNER = "Ett utkast får den som signerar först när det signeras."
LETTER_TO_COMPLAINT = (
    "Ett svar på en synpunkt hör till synpunkten, dess enhet och, om den gäller ett ärende, "
    "det ärendet."
)
LETTER_TO_APPEAL = "Ett brev om ett överklagande hör till överklagandet, dess ärende och enhet."
FUTURE_SIGNING = (
    "Signeringstiden ligger i framtiden enligt serverns klocka. Kontrollera datorns klocka."
)
"""As 0021's for decisions."""
ANSWER_SIGNER = "Bara en chef för enheten kan signera svaret på en synpunkt."
NO_REFUSAL_DELEGATION = (
    "Du har inte delegation att avvisa ett överklagande av ett beslut om det här slaget av bistånd."
)

GUARD = f"""
CREATE FUNCTION arendestod_guard_after_decision() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    who uuid;
    writer uuid;
    decision_kind text;
BEGIN
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN NEW;  -- the owner
    END IF;
    who := public.arendestod_user_id();
    -- one branch per table: each has only its own columns
    IF TG_TABLE_NAME = 'complaints' THEN
        IF TG_OP = 'UPDATE' AND (NEW.registered_by IS DISTINCT FROM OLD.registered_by
                                 OR NEW.unit_id IS DISTINCT FROM OLD.unit_id) THEN
            {_refuse(COMPLAINT_KEPT)}
        END IF;
        RETURN NEW;  -- the rest is the policies'
    END IF;
    IF TG_TABLE_NAME = 'letters' THEN
        IF TG_OP = 'INSERT' AND NEW.author_id IS DISTINCT FROM who THEN
            {_refuse(NOT_OWN_NAME)}
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.signed_at IS NOT NULL THEN
            RETURN NEW;  -- a signed letter is keep_signed's
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.author_id IS DISTINCT FROM OLD.author_id THEN
            {_refuse(AUTHOR_KEPT)}
        END IF;
        IF NEW.signed_at IS NULL AND NEW.signed_by IS NOT NULL THEN
            {_refuse(DRAFT_SIGNER)}
        END IF;
        IF NEW.signed_at > pg_catalog.clock_timestamp() + interval '5 minutes' THEN
            {_refuse(FUTURE_SIGNING)}
        END IF;
        IF NEW.kind = 'svar_synpunkt' THEN
            IF NEW.complaint_id IS NULL OR NEW.appeal_id IS NOT NULL OR NOT EXISTS (
                SELECT 1 FROM public.complaints c
                WHERE c.id = NEW.complaint_id AND c.unit_id = NEW.unit_id
                  AND (NEW.case_id IS NULL OR c.case_id = NEW.case_id)
            ) THEN
                {_refuse(LETTER_TO_COMPLAINT)}
            END IF;
            IF NEW.signed_at IS NOT NULL AND NOT (
                public.arendestod_user_role() = 'chef'
                AND NEW.unit_id = public.arendestod_user_unit()
            ) THEN
                {_refuse(ANSWER_SIGNER)}
            END IF;
        ELSE
            SELECT d.kind INTO decision_kind
              FROM public.appeals a
              JOIN public.decisions d ON d.id = a.decision_id
              JOIN public.cases c ON c.id = a.case_id
             WHERE a.id = NEW.appeal_id AND a.case_id = NEW.case_id AND c.unit_id = NEW.unit_id;
            IF NOT FOUND OR NEW.complaint_id IS NOT NULL THEN
                {_refuse(LETTER_TO_APPEAL)}
            END IF;
            IF NEW.kind = 'avvisning_overklagande' AND NEW.signed_at IS NOT NULL
               AND NOT public.arendestod_has_delegation(decision_kind, 'avsla', 0) THEN
                {_refuse(NO_REFUSAL_DELEGATION)}
            END IF;
        END IF;
        RETURN NEW;  -- the signer herself: bind_signer's
    END IF;
    -- the case content: a row stays in its case, in its writer's name
    IF TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id THEN
        {_refuse(STAYS_IN_CASE)}
    END IF;
    IF TG_TABLE_NAME = 'appeals' THEN
        writer := NEW.registered_by;
        IF TG_OP = 'UPDATE' AND writer IS NOT DISTINCT FROM OLD.registered_by THEN
            writer := who;
        END IF;
    ELSE
        writer := NEW.recorded_by;
        IF TG_OP = 'UPDATE' AND writer IS NOT DISTINCT FROM OLD.recorded_by THEN
            writer := who;
        END IF;
    END IF;
    IF who IS NULL OR writer IS DISTINCT FROM who THEN
        {_refuse(NOT_OWN_NAME)}
    END IF;
    IF TG_TABLE_NAME = 'decision_deliveries' THEN
        IF NOT EXISTS (
            SELECT 1 FROM public.decisions d
            WHERE d.id = NEW.decision_id AND d.case_id = NEW.case_id AND d.signed_at IS NOT NULL
        ) THEN
            {_refuse(DELIVERY_DECISION)}
        END IF;
    ELSIF TG_TABLE_NAME = 'appeals' THEN
        IF NOT EXISTS (
            SELECT 1 FROM public.decisions d
            WHERE d.id = NEW.decision_id AND d.case_id = NEW.case_id AND d.signed_at IS NOT NULL
        ) THEN
            {_refuse(APPEAL_DECISION)}
        END IF;
        IF NEW.replacing_decision_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM public.decisions d
            WHERE d.id = NEW.replacing_decision_id AND d.case_id = NEW.case_id
              AND d.signed_at IS NOT NULL AND d.replaces_id = NEW.decision_id
        ) THEN
            {_refuse(REPLACING_DECISION)}
        END IF;
    ELSE
        IF NOT EXISTS (
            SELECT 1 FROM public.appeals a WHERE a.id = NEW.appeal_id AND a.case_id = NEW.case_id
        ) THEN
            {_refuse(RULING_APPEAL)}
        END IF;
        IF NEW.follow_up_decision_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM public.decisions d
            WHERE d.id = NEW.follow_up_decision_id AND d.case_id = NEW.case_id
        ) THEN
            {_refuse(FOLLOW_UP_DECISION)}
        END IF;
    END IF;
    RETURN NEW;
END
$$;
"""


def _keep_signed(letters: bool) -> str:
    """Migration 0008's arendestod_keep_signed (with 0015's search path); with `letters`
    a signed letter's PDF is stored once, as a decision's."""
    archived = (
        "TG_TABLE_NAME IN ('decisions', 'letters')" if letters else "TG_TABLE_NAME = 'decisions'"
    )
    return f"""
CREATE OR REPLACE FUNCTION arendestod_keep_signed() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    changeable text[] := ARRAY['version', 'updated_at', 'updated_by'];
BEGIN
    IF OLD.signed_at IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF TG_TABLE_NAME = 'decisions' THEN
            -- verkställighet is recorded later
            changeable := changeable || ARRAY['executed_on'];
        END IF;
        IF {archived} THEN
            -- the letter is archived once, just after (nested: only these have the column)
            IF OLD.letter_pdf IS NULL THEN
                changeable := changeable || ARRAY['letter_pdf', 'letter_sha256'];
            END IF;
        END IF;
        IF (to_jsonb(NEW) - changeable) = (to_jsonb(OLD) - changeable) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'En signerad rad i % kan inte ändras eller tas bort.', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def _admit(entities: tuple[str, ...]) -> str:
    """Migration 0039's arendestod_audit_admit with `entities` added to its vocabulary."""
    module = earlier_migration("20261207_0039_audit_admit_one_trigger.py")
    known = module._array(module.ENTITIES)
    assert known in module.ADMIT
    return module.ADMIT.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1).replace(
        known, module._array((*module.ENTITIES, *entities))
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        op.execute(f"REVOKE DELETE ON {table} FROM {APP_ROLE}")
        op.execute(f"GRANT SELECT, INSERT, UPDATE ON {table} TO {APP_ROLE}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, policy, command, using, check in POLICIES:
        clauses = ""
        if using is not None:
            clauses += f" USING ({using})"
        if check is not None or command == "ALL":
            clauses += f" WITH CHECK ({check or using})"
        op.execute(f"CREATE POLICY {policy} ON {table} FOR {command} TO {APP_ROLE}{clauses}")
    # the server's audit rows, once per statement (0014)
    for table in TABLES:
        for event, rows in EVENTS:
            op.execute(
                f"CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
                "EXECUTE FUNCTION arendestod_audit_rows()"
            )
    # the case's change counter (0013)
    for table in CHANGE_COUNTED:
        op.execute(_case_changes_function(table))
        op.execute(f"REVOKE ALL ON FUNCTION arendestod_case_changes_{table}() FROM PUBLIC")
        for event, rows in EVENTS:
            op.execute(
                f"CREATE TRIGGER case_changes_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION arendestod_case_changes_{table}()"
            )
    # a checked-out case is changed only from its laptop (0019)
    for table in HELD_TABLES:
        for event, tables in TRANSITION_TABLES.items():
            op.execute(
                f"CREATE TRIGGER hold_lease_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                "EXECUTE FUNCTION arendestod_hold_lease('case', 'case_id')"
            )
    op.execute(GUARD)
    op.execute("REVOKE ALL ON FUNCTION arendestod_guard_after_decision() FROM PUBLIC")
    for table in GUARDED:
        op.execute(
            f"CREATE TRIGGER guard_after_decision BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION arendestod_guard_after_decision()"
        )
    # signed letters: final but for their PDF, signed in one's own name (0008, 0018)
    op.execute(_keep_signed(letters=True))
    op.execute(
        "CREATE TRIGGER keep_signed BEFORE UPDATE OR DELETE ON letters "
        "FOR EACH ROW EXECUTE FUNCTION arendestod_keep_signed()"
    )
    op.execute(
        "CREATE TRIGGER bind_signer BEFORE INSERT OR UPDATE ON letters "
        "FOR EACH ROW EXECUTE FUNCTION arendestod_bind_signer()"
    )
    op.execute(_admit(AUDIT_ENTITIES))
    _series_rules()


def _series_rules() -> None:
    """complaint_number_series, as 0017 made case_number_series: read by every active user,
    a new year's series started at its first number, a number taken by counting up by one
    (0017's trigger), never deleted; every write audited with the old and new row."""
    op.execute(f"REVOKE ALL ON {SERIES_TABLE} FROM PUBLIC")
    op.execute(f"REVOKE DELETE ON {SERIES_TABLE} FROM {APP_ROLE}")
    op.execute(f"ALTER TABLE {SERIES_TABLE} ENABLE ROW LEVEL SECURITY")
    for policy, command, clauses in SERIES_POLICIES:
        op.execute(
            f"CREATE POLICY {policy} ON {SERIES_TABLE} FOR {command} TO {APP_ROLE} {clauses}"
        )
    op.execute(
        f"CREATE TRIGGER next_number_only BEFORE UPDATE ON {SERIES_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION arendestod_next_number_only()"
    )
    for event, rows in (("INSERT", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {SERIES_TABLE} "
            f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION arendestod_audit_reference('year')"
        )
    op.execute(
        f"CREATE TRIGGER audit_update AFTER UPDATE ON {SERIES_TABLE} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION arendestod_audit_reference('year')"
    )


def _drop_series_rules() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_{event} ON {SERIES_TABLE}")
    op.execute(f"DROP TRIGGER IF EXISTS next_number_only ON {SERIES_TABLE}")
    for policy, _command, _clauses in SERIES_POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {policy} ON {SERIES_TABLE}")
    op.execute(f"ALTER TABLE {SERIES_TABLE} DISABLE ROW LEVEL SECURITY")
    op.execute(f"GRANT DELETE ON {SERIES_TABLE} TO {APP_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _drop_series_rules()
    op.execute(_admit(()))
    op.execute("DROP TRIGGER IF EXISTS bind_signer ON letters")
    op.execute("DROP TRIGGER IF EXISTS keep_signed ON letters")
    op.execute(_keep_signed(letters=False))
    for table in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS guard_after_decision ON {table}")
    op.execute("DROP FUNCTION IF EXISTS arendestod_guard_after_decision()")
    for table in HELD_TABLES:
        for event in TRANSITION_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS hold_lease_{event.lower()} ON {table}")
    for table in CHANGE_COUNTED:
        for event, _rows in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS case_changes_{event.lower()} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS arendestod_case_changes_{table}()")
    for table in TABLES:
        for event, _rows in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS audit_{event.lower()} ON {table}")
    for table, policy, *_rest in POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute(f"GRANT DELETE ON {table} TO {APP_ROLE}")
