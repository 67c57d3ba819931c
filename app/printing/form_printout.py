"""A filled-in form printed from its own definition: every section, group and answer."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.formatting import local_datetime
from app.forms.answers import groups, value_text
from app.forms.computations import compute
from app.forms.definition import Field, FieldType
from app.forms.form_printout import FormPrintout
from app.printing.document import build_pdf, paragraph


def _answer_text(item: Field, group: dict, form: FormPrintout) -> str:
    view = form.form
    if item.type is FieldType.COMPUTED:
        return compute(item.compute, view.definition, view.answers)
    value = value_text(group.get(item.key))
    if not value:
        return "–"
    labels = {o.key: o.label for o in item.choices()}
    if labels:
        return labels.get(value, value)
    if item.type is FieldType.PERSON:
        people = {p.id: p.name for p in view.context.members}
        return people.get(value, value)
    return value


def _field_block(item: Field, group: dict, form: FormPrintout) -> Flowable:
    table = Table(
        [[paragraph(item.label, "label")], [paragraph(_answer_text(item, group, form))]],
        colWidths=["100%"],
    )
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return KeepTogether([table])


def render_form(form: FormPrintout) -> bytes:
    view = form.form
    story: list[Flowable] = [paragraph(view.title, "title"), paragraph(form.subject)]
    meta = f"Formulärversion {view.definition.version}"
    if view.case_number:
        meta = f"Ärende {view.case_number} · " + meta
    story += [paragraph(meta, "small"), Spacer(0, 6)]
    if not view.is_signed:
        story.append(paragraph("UTKAST – blanketten är inte signerad.", "h2"))
    elif not view.signature_holds:
        story.append(paragraph(f"{ALTERED_AFTER_SIGNING.upper()}.", "h2"))
    for section in view.definition.sections:
        story.append(paragraph(section.title, "h2"))
        section_groups = groups(section, view.answers)
        if section.repeat is not None and not section_groups:
            story.append(paragraph("Inga uppgifter."))
        for index, group in enumerate(section_groups):
            if section.repeat is not None:
                label = group.get("_label") or f"{section.repeat.item_label} {index + 1}"
                heading = Table([[paragraph(label, "label")]], colWidths=["100%"])
                heading.setStyle(
                    TableStyle(
                        [
                            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eeeeee")),
                            ("LEFTPADDING", (0, 0), (-1, -1), 4),
                        ]
                    )
                )
                story.append(heading)
            story += [_field_block(item, group, form) for item in section.fields]
    story.append(Spacer(0, 10))
    if view.is_signed and not view.signature_holds:
        story.append(
            paragraph(
                f"{ALTERED_AFTER_SIGNING}: signerad {local_datetime(view.signed_at)} av "
                f"{view.signer_name}, men svaren har ändrats efteråt.",
                "label",
            )
        )
    elif view.is_signed:
        story.append(
            paragraph(f"Signerad {local_datetime(view.signed_at)} av {view.signer_name}.", "label")
        )
        if form.content_hash:
            story.append(paragraph(f"Kontrollsumma (SHA-256): {form.content_hash}", "small"))
    else:
        story.append(paragraph(f"Utkast skapat av {view.author_name}.", "small"))
    return build_pdf(story, form.letterhead, title=f"{view.title} {view.case_number}".strip())
