"""The shared server goes away while the window is open: a banner says so, what is on the
screen stays, the app tries again and the banner goes when the server answers. The
outage is real: the test database stops taking connections and its sessions are ended.

A GUI test, kept here beside the PostgreSQL fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from app.ui.context import AppContext
from app.ui.main_window import RECONNECT_MS, MainWindow

pytestmark = [pytest.mark.parametrize("db", ["postgresql"], indirect=True), pytest.mark.gui]


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, message, *a, **k: shown.append(message))
    )
    return shown


@pytest.fixture
def outage(db, pg_server):
    """Switch the test database's connections off (and on again)."""
    name = db.engine.url.database

    def switch(available: bool) -> None:
        with pg_server.admin.connect() as admin:
            admin.execute(
                text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(available).lower()}')
            )
            if not available:
                admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                    ),
                    {"n": name},
                )

    yield switch
    switch(True)


@pytest.fixture
def window(qtbot, db, make_case, session, caseworker) -> Iterator[MainWindow]:
    make_case()
    session.commit()
    shown = MainWindow(AppContext(db, caseworker))
    qtbot.addWidget(shown)
    shown.show()
    yield shown


def _settle(qtbot) -> None:
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)


def test_a_lost_server_shows_a_banner_and_it_goes_when_the_server_is_back(
    qtbot, window, outage, warnings
) -> None:
    listed = window.my_cases_model.rowCount()
    assert listed == 1 and not window.connection_banner.isVisible()
    outage(False)
    window.refresh_my_cases()  # F5 while the server is gone
    assert window.connection_banner.isVisible()
    assert "Ingen kontakt med databasen" in window.connection_banner.text()
    assert warnings and "Kontakten med databasen bröts" in warnings[-1]
    assert window.my_cases_model.rowCount() == listed  # the list stays as it was
    assert window.reconnect_timer.isActive() and window.reconnect_timer.interval() == RECONNECT_MS
    window.case_list_timer.timeout.emit()  # the poll waits for the reconnect, no dialog
    window.reconnect_timer.timeout.emit()
    _settle(qtbot)
    assert window.connection_banner.isVisible()  # still down
    outage(True)
    window.reconnect_timer.timeout.emit()
    _settle(qtbot)
    assert not window.connection_banner.isVisible()
    assert not window.reconnect_timer.isActive()
    assert window.statusBar().currentMessage() == "Kontakten med databasen är tillbaka."
    assert window.my_cases_model.rowCount() == listed
    assert len(warnings) == 1


def test_a_poll_that_finds_the_server_gone_shows_the_banner(qtbot, window, outage, warnings):
    """The minute's poll runs in a worker thread; the banner still comes on the GUI thread
    (a timer started from the worker would only warn), and no dialog interrupts."""
    outage(False)
    window.case_list_timer.timeout.emit()
    _settle(qtbot)
    assert window.connection_banner.isVisible()
    assert window.reconnect_timer.isActive()
    assert warnings == []
    window.close()  # a closed window polls no more
    assert not window.case_list_timer.isActive() and not window.reconnect_timer.isActive()
