"""An e-ansökan's content, readable: in the inbox's details pane and, from a case's list of
applications, in a window of its own (also on a laptop's replica, where the e-ansökan
travelled with its case)."""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.common.formatting import local_datetime, money
from app.intake import inbox
from app.intake.inbox import DeliveryDetails
from app.models import DeliveryStatus
from app.ui.context import AppContext
from app.ui.widgets.messages import show_error


def details_html(content: DeliveryDetails) -> str:
    """The application's content, readable (also on a laptop's replica)."""
    parts = [f"<h3>E-ansökan {escape(content.application_id or content.filename)}</h3>"]
    facts = [
        ("Inkom", local_datetime(content.received_at)),
        ("Status", content.status.label),
        ("Period", content.period),
        ("Från", content.e_service),
    ]
    if content.taken_case_number:
        facts.append(("Tagen in i ärende", content.taken_case_number))
    if content.row is not None:
        facts.append(("Första återkoppling senast", local_datetime(content.row.response_due_at)))
    parts.append(
        "<table>"
        + "".join(f"<tr><td><b>{k}:</b></td><td>{escape(v)}</td></tr>" for k, v in facts if v)
        + "</table>"
    )
    if content.status is DeliveryStatus.QUARANTINED and content.reason:
        reasons = "".join(f"<li>{escape(line)}</li>" for line in content.reason.splitlines())
        parts.append(f"<p><b>Skäl till karantän:</b></p><ul>{reasons}</ul>")
    if content.household:
        parts.append("<h4>Hushåll</h4><ul>")
        parts += [
            f"<li>{escape(name)}, {escape(number)} – {escape(role)}</li>"
            for name, number, role in content.household
        ]
        parts.append("</ul>")
    for title, lines, empty in (
        ("Inkomster som den sökande uppger", content.incomes, "Inga inkomster uppgivna."),
        ("Kostnader som söks", content.costs, "Inga kostnader sökta."),
    ):
        parts.append(f"<h4>{title}</h4>")
        if not lines:
            parts.append(f"<p>{empty}</p>")
            continue
        parts.append("<table>")
        for line in lines:
            note = f" ({escape(line.note)})" if line.note else ""
            parts.append(
                f"<tr><td>{escape(line.label)}{note}</td>"
                f"<td align='right'>&nbsp;{escape(line.amount)}</td></tr>"
            )
        parts.append("</table>")
    if content.row is not None and content.row.costs is not None:
        parts.append(f"<p>Summa sökta kostnader: <b>{escape(money(content.row.costs))}</b></p>")
    if content.changes:
        parts.append(f"<h4>Förändringar sedan förra månaden</h4><p>{escape(content.changes)}</p>")
    if content.signature:
        parts.append(f"<h4>Signering</h4><p>{escape(content.signature)}</p>")
    return "".join(parts)


class EApplicationDialog(QDialog):
    """The e-ansökan an application was taken in from, to read (nothing to change)."""

    def __init__(self, content: DeliveryDetails, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("eApplication")
        self.setWindowTitle(f"E-ansökan {content.application_id}")
        self.text = QTextBrowser()
        self.text.setObjectName("applicationContent")
        self.text.setAccessibleName("Ansökans innehåll")
        self.text.setHtml(details_html(content))
        attachments = ", ".join(f"{a.kind}: {a.filename}" for a in content.attachments)
        if attachments:
            self.text.append(f"<h4>Bilagor</h4><p>{escape(attachments)}</p>")
        close_button = QPushButton("Stäng")
        close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(row)
        self.resize(640, 640)


def show_e_application(
    parent: QWidget, context: AppContext, delivery_id: uuid.UUID
) -> EApplicationDialog | None:
    """Read the e-ansökan (audited) and show it; not modal."""
    try:
        content = context.call(lambda s, a: inbox.details(s, a, delivery_id))
    except Exception as exc:
        show_error(parent, exc)
        return None
    dialog = EApplicationDialog(content, parent)
    dialog.show()
    return dialog
