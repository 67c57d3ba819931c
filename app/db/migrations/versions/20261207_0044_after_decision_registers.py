"""after the decision: delgivning, appeals, court rulings, complaints and signed letters (issue 23)

Both dialects: the tables of app/models/appeal.py (decision_deliveries, appeals,
appeal_rulings), app/models/complaint.py (complaints, complaint_number_series,
complaint_measures) and app/models/letter.py (letters: the avvisning of a late appeal, the
överlämnande's cover letter, the answer to a complaint). Created empty. The server's rules
for them (row-level security, audit, immutability of signed letters, leases) are migration
0045's.

PostgreSQL: the statistics of appeals and complaints (app/statistics/appeal_statistics.py,
complaint_statistics.py) are read for an administrator (any unit or all) and a chef (her own
unit) by two functions that run as the owner and return anonymous rows only (no ids, names
or texts but the complaint's theme codes): row-level security hides cases from an
administrator, so her all-units figures would come out empty.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07 15:20:00
"""

from alembic import op
import sqlalchemy as sa

from app.cases import review_facts


revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"
MAY_ASK = """
    IF public.arendestod_user_role() IS DISTINCT FROM 'administrator' AND NOT (
        public.arendestod_user_role() = 'chef' AND unit IS NOT NULL
        AND unit = public.arendestod_user_unit()
    ) THEN
        RETURN;  -- an administrator any unit or all, a chef her own, nobody else
    END IF;"""
APPLICANT_SEX = """(SELECT s.sex::text FROM public.household_members m
                 JOIN public.persons s ON s.id = m.person_id
                WHERE m.household_id = c.household_id AND m.role = 'sokande' {month}
                ORDER BY m.sort_order LIMIT 1)"""
IN_MONTH = """
                  AND (m.member_from IS NULL OR m.member_from <=
                       (date_trunc('month', d.period_start) + interval '1 month - 1 day')::date)
                  AND (m.member_until IS NULL
                       OR m.member_until >= date_trunc('month', d.period_start)::date)"""
APPEAL_STATISTICS = f"""
CREATE FUNCTION public.arendestod_appeal_statistics(first_day date, last_day date, unit uuid)
RETURNS TABLE (
    r_part text, r_timeliness text, r_withdrawn boolean, r_reconsideration text,
    r_instance text, r_outcome text, r_appealed_by text, r_ruled_on date, r_sex text,
    r_with_children boolean
) LANGUAGE plpgsql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
BEGIN{MAY_ASK}
    RETURN QUERY
    WITH picked AS (
        SELECT 'received'::text AS part, a.timeliness::text AS timeliness,
               a.withdrawn_on IS NOT NULL AS withdrawn, NULL::text AS reconsideration,
               NULL::text AS instance, NULL::text AS outcome, NULL::text AS appealed_by,
               NULL::date AS ruled_on, a.case_id, a.decision_id
          FROM public.appeals a
         WHERE a.received_on BETWEEN first_day AND last_day
        UNION ALL
        SELECT 'reconsidered', NULL, false, a.reconsideration::text, NULL, NULL, NULL, NULL,
               a.case_id, a.decision_id
          FROM public.appeals a
         WHERE a.reconsidered_on BETWEEN first_day AND last_day
           AND a.reconsideration IS NOT NULL
        UNION ALL
        SELECT 'ruling', NULL, false, NULL, r.instance::text, r.outcome::text,
               r.appealed_by::text, r.ruled_on, a.case_id, a.decision_id
          FROM public.appeal_rulings r JOIN public.appeals a ON a.id = r.appeal_id
         WHERE r.ruled_on BETWEEN first_day AND last_day
    )
    SELECT p.part, p.timeliness, p.withdrawn, p.reconsideration, p.instance, p.outcome,
           p.appealed_by, p.ruled_on,
           COALESCE({APPLICANT_SEX.format(month=IN_MONTH)},
                    {APPLICANT_SEX.format(month="")}, 'K'),
           EXISTS (
               SELECT 1 FROM public.household_members m
                WHERE m.household_id = c.household_id AND m.role = 'barn'
                  AND (m.member_from IS NULL OR m.member_from <= d.period_end)
                  AND (m.member_until IS NULL OR m.member_until >= d.period_start))
      FROM picked p
      JOIN public.cases c ON c.id = p.case_id
      JOIN public.decisions d ON d.id = p.decision_id
     WHERE unit IS NULL OR c.unit_id = unit;
END
$$
"""
"""The appeals received, reconsidered and ruled on in the period, one row each, with the
sökande's sex and whether there were children, as app/statistics/appeal_statistics.py
defines them (its tests compare both ways of reading on PostgreSQL)."""
COMPLAINT_STATISTICS = f"""
CREATE FUNCTION public.arendestod_complaint_statistics(first_day date, last_day date, unit uuid)
RETURNS TABLE (
    r_kind text, r_received_on date, r_received_via text, r_themes text, r_wants boolean,
    r_lex_sarah boolean, r_answered_at timestamptz
) LANGUAGE plpgsql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
BEGIN{MAY_ASK}
    RETURN QUERY
    SELECT k.kind::text, k.received_on, k.received_via::text, k.themes,
           k.wants_answer AND k.sender_address <> '', k.lex_sarah_reported_on IS NOT NULL,
           (SELECT min(l.signed_at) FROM public.letters l
             WHERE l.complaint_id = k.id AND l.kind = 'svar_synpunkt'
               AND l.signed_at IS NOT NULL)
      FROM public.complaints k
     WHERE k.received_on BETWEEN first_day AND last_day
       AND (unit IS NULL OR k.unit_id = unit);
END
$$
"""
"""The synpunkter received in the period, one row each: only what the statistics count."""
FUNCTIONS = (
    (APPEAL_STATISTICS, "public.arendestod_appeal_statistics(date, date, uuid)"),
    (COMPLAINT_STATISTICS, "public.arendestod_complaint_statistics(date, date, uuid)"),
)


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("concerns_user_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "klagomal", "berom", "forslag", name="feedbackkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column(
            "received_via",
            sa.Enum(
                "blankett",
                "brev",
                "e_post",
                "webb",
                "telefon",
                "besok",
                name="receivedvia",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("sender_address", sa.Text(), nullable=False),
        sa.Column("wants_answer", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact_on", sa.Date(), nullable=True),
        sa.Column("contact_note", sa.Text(), nullable=False),
        sa.Column(
            "lex_sarah",
            sa.Enum(
                "missforhallande", "patalig_risk", name="lexsarah", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column("lex_sarah_marked_on", sa.Date(), nullable=True),
        sa.Column("lex_sarah_reported_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("registered_by", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_complaints_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["concerns_user_id"], ["users.id"], name=op.f("fk_complaints_concerns_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by"], ["users.id"], name=op.f("fk_complaints_registered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_complaints_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("number", name=op.f("uq_complaints_number")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaints_case_id",
            ["case_id"],
            unique=False,
            sqlite_where=sa.text("case_id IS NOT NULL"),
            postgresql_where=sa.text("case_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_complaints_concerns_user_id",
            ["concerns_user_id"],
            unique=False,
            sqlite_where=sa.text("concerns_user_id IS NOT NULL"),
            postgresql_where=sa.text("concerns_user_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_complaints_unit_received", ["unit_id", "received_on"], unique=False
        )

    op.create_table(
        "complaint_number_series",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_complaint_number_series")),
    )

    op.create_table(
        "complaint_measures",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("responsible_user_id", sa.Uuid(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_measures_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_user_id"],
            ["users.id"],
            name=op.f("fk_complaint_measures_responsible_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_measures")),
    )
    with op.batch_alter_table("complaint_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_measures_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "appeals",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_by_court_on", sa.Date(), nullable=True),
        sa.Column(
            "appellant",
            sa.Enum("sokande", "ombud", name="appellant", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("appellant_name", sa.String(length=200), nullable=False),
        sa.Column("claims", sa.Text(), nullable=False),
        sa.Column(
            "timeliness",
            sa.Enum(
                "i_tid",
                "for_sent",
                "for_sent_undantag",
                "okand",
                name="timeliness",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("timeliness_reason", sa.Text(), nullable=False),
        sa.Column("reconsidered_on", sa.Date(), nullable=True),
        sa.Column(
            "reconsideration",
            sa.Enum(
                "andras_inte",
                "andras",
                "andras_delvis",
                name="reconsideration",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("reconsideration_note", sa.Text(), nullable=False),
        sa.Column("replacing_decision_id", sa.Uuid(), nullable=True),
        sa.Column("forwarded_on", sa.Date(), nullable=True),
        sa.Column("forwarded_documents", sa.Text(), nullable=False),
        sa.Column("court", sa.String(length=300), nullable=False),
        sa.Column("court_case_number", sa.String(length=40), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("registered_by", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_appeals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_appeals_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by"], ["users.id"], name=op.f("fk_appeals_registered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["replacing_decision_id"],
            ["decisions.id"],
            name=op.f("fk_appeals_replacing_decision_id_decisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index("ix_appeals_case", ["case_id", "received_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index("ix_appeals_received", ["received_on", "case_id"], unique=False)
        batch_op.create_index(
            "ix_appeals_replacing_decision_id",
            ["replacing_decision_id"],
            unique=False,
            sqlite_where=sa.text("replacing_decision_id IS NOT NULL"),
            postgresql_where=sa.text("replacing_decision_id IS NOT NULL"),
        )

    op.create_table(
        "decision_deliveries",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "personligen",
                "kvitto",
                "forenklad",
                "e_tjanst",
                "post",
                name="deliverymethod",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_decision_deliveries_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_deliveries_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_decision_deliveries_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_deliveries")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decision_deliveries_decision_id")),
    )
    with op.batch_alter_table("decision_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_deliveries_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "appeal_rulings",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column(
            "instance",
            sa.Enum(
                "forvaltningsratten",
                "kammarratten",
                "hfd",
                name="courtinstance",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "appealed_by",
            sa.Enum("sokande", "namnd", name="party", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("ruled_on", sa.Date(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "bifall",
                "delvis_bifall",
                "avslag",
                "aterforvisning",
                "avskrivning",
                "avvisning",
                "pt_ej_meddelat",
                name="rulingoutcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("court_case_number", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("follow_up_done_on", sa.Date(), nullable=True),
        sa.Column("follow_up_decision_id", sa.Uuid(), nullable=True),
        sa.Column("board_appeal_sent_on", sa.Date(), nullable=True),
        sa.Column("board_appeal_decided_not_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_appeal_rulings_appeal_id_appeals")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_appeal_rulings_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_decision_id"],
            ["decisions.id"],
            name=op.f("fk_appeal_rulings_follow_up_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_appeal_rulings_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_rulings")),
        sa.UniqueConstraint("appeal_id", "instance", name=op.f("uq_appeal_rulings_appeal_id")),
    )
    with op.batch_alter_table("appeal_rulings", schema=None) as batch_op:
        batch_op.create_index("ix_appeal_rulings_case", ["case_id", "ruled_on"], unique=False)
        batch_op.create_index(
            "ix_appeal_rulings_follow_up_decision_id",
            ["follow_up_decision_id"],
            unique=False,
            sqlite_where=sa.text("follow_up_decision_id IS NOT NULL"),
            postgresql_where=sa.text("follow_up_decision_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_appeal_rulings_ruled", ["ruled_on", "instance", "outcome"], unique=False
        )

    op.create_table(
        "letters",
        sa.Column(
            "kind",
            sa.Enum(
                "avvisning_overklagande",
                "overlamnande",
                "svar_synpunkt",
                name="letterkind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("appeal_id", sa.Uuid(), nullable=True),
        sa.Column("complaint_id", sa.Uuid(), nullable=True),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("signed_by", sa.Uuid(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("letter_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("letter_sha256", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_letters_appeal_id_appeals")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_letters_author_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_letters_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_letters_complaint_id_complaints")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["users.id"], name=op.f("fk_letters_signed_by_users")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_letters_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(
            "ix_letters_appeal_id",
            ["appeal_id"],
            unique=False,
            sqlite_where=sa.text("appeal_id IS NOT NULL"),
            postgresql_where=sa.text("appeal_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_letters_case_id",
            ["case_id"],
            unique=False,
            sqlite_where=sa.text("case_id IS NOT NULL"),
            postgresql_where=sa.text("case_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_letters_complaint_id",
            ["complaint_id"],
            unique=False,
            sqlite_where=sa.text("complaint_id IS NOT NULL"),
            postgresql_where=sa.text("complaint_id IS NOT NULL"),
        )
    if op.get_bind().dialect.name == "postgresql":
        for sql, name in FUNCTIONS:
            op.execute(sql)
            op.execute(f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC")
            op.execute(f"GRANT EXECUTE ON FUNCTION {name} TO {APP_ROLE}")

    # the appeals and rulings make bevakningar the chef's kept review reads: they clear it
    dialect = op.get_bind().dialect.name
    for statement in review_facts.source_triggers_sql(
        dialect, review_facts.AFTER_DECISION_SOURCES
    ):
        op.execute(statement)

def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in review_facts.downgrade_sql(dialect, review_facts.AFTER_DECISION_SOURCES):
        op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        for _sql, name in FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_letters_complaint_id",
            sqlite_where=sa.text("complaint_id IS NOT NULL"),
            postgresql_where=sa.text("complaint_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "ix_letters_case_id",
            sqlite_where=sa.text("case_id IS NOT NULL"),
            postgresql_where=sa.text("case_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "ix_letters_appeal_id",
            sqlite_where=sa.text("appeal_id IS NOT NULL"),
            postgresql_where=sa.text("appeal_id IS NOT NULL"),
        )

    op.drop_table("letters")
    with op.batch_alter_table("appeal_rulings", schema=None) as batch_op:
        batch_op.drop_index("ix_appeal_rulings_ruled")
        batch_op.drop_index(
            "ix_appeal_rulings_follow_up_decision_id",
            sqlite_where=sa.text("follow_up_decision_id IS NOT NULL"),
            postgresql_where=sa.text("follow_up_decision_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_appeal_rulings_case")

    op.drop_table("appeal_rulings")
    with op.batch_alter_table("decision_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_deliveries_case_id"))

    op.drop_table("decision_deliveries")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_appeals_replacing_decision_id",
            sqlite_where=sa.text("replacing_decision_id IS NOT NULL"),
            postgresql_where=sa.text("replacing_decision_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_appeals_received")
        batch_op.drop_index(batch_op.f("ix_appeals_decision_id"))
        batch_op.drop_index("ix_appeals_case")

    op.drop_table("appeals")
    with op.batch_alter_table("complaint_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_measures_complaint_id"))

    op.drop_table("complaint_measures")
    op.drop_table("complaint_number_series")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_unit_received")
        batch_op.drop_index(
            "ix_complaints_concerns_user_id",
            sqlite_where=sa.text("concerns_user_id IS NOT NULL"),
            postgresql_where=sa.text("concerns_user_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "ix_complaints_case_id",
            sqlite_where=sa.text("case_id IS NOT NULL"),
            postgresql_where=sa.text("case_id IS NOT NULL"),
        )

    op.drop_table("complaints")
