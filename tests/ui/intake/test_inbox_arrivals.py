"""What arrives in the watched folder (setting intake.folder) comes into the inbox when the
handläggare opens or refreshes it (F5), and its attachments open inside the program."""

from __future__ import annotations

import json
import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.models import Unit
from app.ui.main_window import MainWindow
from app.ui.widgets.pdf_preview import PdfPreviewDialog
from tests.core.intake.test_inbox import EXAMPLES
from tests.ui.intake.test_inbox_view import open_inbox, select


def test_a_delivery_in_the_watched_folder_comes_in_with_its_attachments(
    qtbot, main_window: MainWindow, caseworker, configure, tmp_path
) -> None:
    folder = tmp_path / "e-tjanst"
    folder.mkdir()
    unit_code = caseworker.call(lambda s, a: s.get(Unit, a.unit_id).municipality_code)
    document = json.loads((EXAMPLES / "ansokan-barnfamilj.json").read_bytes())
    document["mottagare"]["kommunkod"] = unit_code or document["mottagare"]["kommunkod"]
    (folder / "ansokan.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    for attached in (EXAMPLES / "bilagor").iterdir():
        shutil.copy(attached, folder / attached.name)
    configure(system=f'[intake]\nfolder = "{folder.as_posix()}"\n')
    applicant = next(p for p in document["hushall"]["personer"] if p["roll"] == "sokande")

    view = open_inbox(qtbot, main_window)  # the first look sees the files, still settling
    assert (folder / "ansokan.json").exists()
    main_window.activateWindow()  # (a progress dialog may have had the focus meanwhile)
    qtbot.waitActive(main_window)
    qtbot.keyClick(view, Qt.Key.Key_F5)  # the second finds them unchanged and takes them
    qtbot.waitUntil(lambda: not (folder / "ansokan.json").exists(), timeout=10_000)
    qtbot.waitUntil(
        lambda: any(
            r.personal_number.replace("-", "")[-10:] in applicant["personnummer"]
            for r in view.model.rows
        ),
        timeout=10_000,
    )
    assert "1 nya hämtades nu från e-tjänsten" in view.summary.text()
    assert (folder / "mottagna" / "ansokan.json").exists()
    qtbot.keyClick(view.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    select(
        qtbot,
        view,
        lambda r: r.personal_number.replace("-", "")[-10:] in applicant["personnummer"],
    )
    qtbot.waitUntil(lambda: view.attachments.count() == 2, timeout=10_000)
    view.attachments.setFocus()
    view.attachments.setCurrentRow(0)
    qtbot.keyClick(view.attachments, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, PdfPreviewDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        ),
        timeout=10_000,
    )
    [shown] = [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog)]
    assert shown.page_count >= 1
    assert "Bilaga:" in shown.windowTitle()
    shown.close()
