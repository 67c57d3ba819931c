"""The Statistik page on a database whose kept facts are not built (an upgraded database
before `arendestod stats rebuild`): the chef is told why and what IT runs, no figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import delete

from app.models import StatisticsFactState
from app.ui.statistics.statistics_view import StatisticsView


def test_the_chef_is_told_to_have_the_statistics_rebuilt(
    qtbot, demo_database, chef_window, dialogs
):
    with demo_database.sessions.begin() as session:
        session.execute(delete(StatisticsFactState))
    actions = {
        a.text(): a for menu in chef_window.menuBar().actions() for a in menu.menu().actions()
    }
    actions["Stat&istik …"].trigger()
    view = chef_window.tabs.currentWidget()
    assert isinstance(view, StatisticsView)
    view.year.setValue(2026)
    qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs) and not view.busy, timeout=10_000)
    assert "arendestod stats rebuild" in dialogs[0]
    assert "inte byggt" in dialogs[0]
    assert view.stats is None
