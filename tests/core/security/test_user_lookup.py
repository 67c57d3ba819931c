"""The server finds the session's user through the username index (migration 0026): the
policies, the audit stamp and the lease rule ask for it on every statement or row, and a
scan of the whole staff list each time cost a name search 3–5 ms at 100 000 households."""

from __future__ import annotations

from tests.core.security.test_server_access_control import connect, db_owner, on_postgresql

CALLS = 20


def _scans(conn) -> tuple[int, int]:
    """(sequential, index) scans of users in this transaction so far."""
    row = conn.execute(
        "SELECT coalesce(seq_scan, 0), coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables "
        "WHERE relname = 'users'"
    ).fetchone()
    return (row[0], row[1]) if row else (0, 0)


@on_postgresql
def test_the_sessions_user_is_looked_up_by_index(session, staff, login_roles, pg_server) -> None:
    with db_owner(login_roles, pg_server) as owner:  # a municipality's staff list
        owner.execute(
            "INSERT INTO users SELECT (jsonb_populate_record(NULL::users, to_jsonb(u) || "
            "jsonb_build_object('id', gen_random_uuid(), 'username', 'personal' || n))).* "
            "FROM users u, generate_series(1, 3000) n WHERE u.id = %s",
            (staff.other.id,),
        )
        owner.execute("ANALYZE users")
    with connect(login_roles, "sara.nilsson") as sara, sara.transaction():
        before = _scans(sara)
        for _ in range(CALLS):
            for function in ("arendestod_user_id", "arendestod_user_role", "arendestod_user_unit"):
                assert sara.execute(f"SELECT {function}()").fetchone()[0] is not None
        seq, idx = (after - start for after, start in zip(_scans(sara), before, strict=True))
    assert seq == 0, f"users read from the start {seq} times"
    assert idx >= 3 * CALLS
