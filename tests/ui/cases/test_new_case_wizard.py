"""Registering a new case with the wizard, from the 'Nytt ärende' button."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWizard

from app.common.identity_number import with_check_digit
from app.models import Case, HouseholdMember, Person
from app.ui.cases.case_view import CaseView
from tests.helpers import count, type_text

APPLICANT = with_check_digit("19870312122")  # fictional woman, valid check digit
CHILD = with_check_digit("20180704246")


@pytest.fixture
def wizard(qtbot, main_window):
    qtbot.mouseClick(main_window.new_case_button, Qt.MouseButton.LeftButton)
    assert main_window.wizard is not None and main_window.wizard.isVisible()
    return main_window.wizard


def _next(qtbot, wizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_wizard_creates_a_case_with_household(qtbot, main_window, wizard, caseworker) -> None:
    cases_before = count(caseworker.database, Case)
    page = wizard.applicant_page
    type_text(page.personal_number, f"{APPLICANT[2:8]}-{APPLICANT[8:]}")
    type_text(page.first_name, "Åsa")
    type_text(page.last_name, "Öberg-Nilsson")
    _next(qtbot, wizard)
    assert "kvinna, född 1987-03-12" in page.number_info.text()
    assert wizard.currentPage() is wizard.household_page
    household = wizard.household_page
    qtbot.mouseClick(
        household.findChild(type(main_window.new_case_button), "addMember"),
        Qt.MouseButton.LeftButton,
    )
    row = household.members.rowCount() - 1
    for column, text in enumerate((CHILD, "Elsa", "Öberg")):
        household.members.item(row, column).setText(text)
    type_text(household.street, "Lärkvägen 3")
    type_text(household.postal_code, "123 45")
    type_text(household.city, "Exempelstad")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.application_page
    assert wizard.application_page.responsible.currentText() == "Sara Nilsson"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.application_page.error.text() == ""
    assert count(caseworker.database, Case) == cases_before + 1
    # the new case opens in its own tab and is in Mina ärenden
    view = main_window.tabs.currentWidget()
    assert isinstance(view, CaseView)
    members = {m.name: m for m in view.overview.members}
    assert set(members) == {"Åsa Öberg-Nilsson", "Elsa Öberg"}
    assert members["Elsa Öberg"].role.value == "barn"
    assert view.overview.case_number.startswith("EB-2026-")
    assert view.overview.case_number in [r.case_number for r in main_window.my_cases_model.rows]


def test_personnummer_pasted_with_an_en_dash_is_accepted(qtbot, wizard) -> None:
    page = wizard.applicant_page
    type_text(page.personal_number, f"{APPLICANT[:8]}\u2013{APPLICANT[8:]}")
    type_text(page.first_name, "Åsa")
    type_text(page.last_name, "Öberg")
    _next(qtbot, wizard)
    assert "personal_number" not in page.errors or not page.errors["personal_number"].text()
    assert "kvinna, född 1987-03-12" in page.number_info.text()
    assert wizard.currentPage() is wizard.household_page


def test_invalid_personnummer_shows_message_and_saves_nothing(qtbot, wizard, caseworker) -> None:
    persons_before = count(caseworker.database, Person)
    page = wizard.applicant_page
    bad = APPLICANT[:-1] + str((int(APPLICANT[-1]) + 1) % 10)
    type_text(page.personal_number, bad)
    type_text(page.first_name, "Test")
    type_text(page.last_name, "Person")
    _next(qtbot, wizard)
    assert wizard.currentPage() is page  # did not move on
    error = page.errors["personal_number"]
    assert error.isVisible()
    assert "Kontrollsiffran stämmer inte" in error.text()
    # the user's typing is kept for correction
    assert page.personal_number.text() == bad
    assert count(caseworker.database, Person) == persons_before


def test_empty_names_are_required(qtbot, wizard) -> None:
    type_text(wizard.applicant_page.personal_number, APPLICANT)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.applicant_page
    assert "Förnamn måste fyllas i" in wizard.applicant_page.errors["first_name"].text()
    assert "Efternamn måste fyllas i" in wizard.applicant_page.errors["last_name"].text()


def test_bad_member_row_blocks_household_page(qtbot, wizard, caseworker) -> None:
    members_before = count(caseworker.database, HouseholdMember)
    type_text(wizard.applicant_page.personal_number, APPLICANT)
    type_text(wizard.applicant_page.first_name, "Ali")
    type_text(wizard.applicant_page.last_name, "Hassan")
    _next(qtbot, wizard)
    household = wizard.household_page
    row = household.add_member("20180704", "Barn", "Hassan")
    assert row == 0
    _next(qtbot, wizard)
    assert wizard.currentPage() is household
    assert "Rad 1" in household.members_error.text()
    assert count(caseworker.database, HouseholdMember) == members_before


def test_applicant_with_open_case_is_stopped(qtbot, main_window, wizard) -> None:
    existing = main_window.my_cases_model.rows[0]
    type_text(wizard.applicant_page.personal_number, existing.personal_number)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.applicant_page
    assert existing.case_number in wizard.applicant_page.errors["personal_number"].text()
    # names were filled in from the register
    assert wizard.applicant_page.first_name.text() == existing.applicant_name.split()[0]


def _shown_title(wizard) -> str:
    """The page title the wizard's header shows (ClassicStyle puts it in a QLabel)."""
    titles = [
        label.text()
        for label in wizard.findChildren(QLabel)
        if label.isVisible() and label.text().startswith("Steg ")
    ]
    assert len(titles) == 1, titles
    return titles[0]


def test_each_step_says_where_the_user_is(qtbot, wizard) -> None:
    assert _shown_title(wizard) == "Steg 1 av 3: Sökande"
    type_text(wizard.applicant_page.personal_number, APPLICANT)
    type_text(wizard.applicant_page.first_name, "Åsa")
    type_text(wizard.applicant_page.last_name, "Öberg")
    _next(qtbot, wizard)
    assert _shown_title(wizard) == "Steg 2 av 3: Hushåll"
    _next(qtbot, wizard)
    assert _shown_title(wizard) == "Steg 3 av 3: Ansökan"


def test_open_case_of_an_existing_applicant_from_the_wizard(qtbot, main_window, wizard) -> None:
    existing = main_window.my_cases_model.rows[0]
    page = wizard.applicant_page
    assert not page.open_existing.isVisible()
    type_text(page.personal_number, existing.personal_number)
    _next(qtbot, wizard)
    assert page.open_existing.isVisible()
    assert page.open_existing.text() == f"Öppna ärendet {existing.case_number}"
    qtbot.mouseClick(page.open_existing, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main_window.wizard is None)
    assert not wizard.isVisible()
    view = main_window.tabs.currentWidget()
    assert isinstance(view, CaseView)
    assert view.overview.case_number == existing.case_number


def test_open_case_button_goes_when_the_number_changes(qtbot, main_window, wizard) -> None:
    existing = main_window.my_cases_model.rows[0]
    page = wizard.applicant_page
    type_text(page.personal_number, existing.personal_number)
    _next(qtbot, wizard)
    assert page.open_existing.isVisible()
    page.personal_number.clear()
    type_text(page.personal_number, APPLICANT)
    assert not page.open_existing.isVisible()
    # the message about the other person's case went with the number it was about
    assert not page.errors["personal_number"].isVisible()


def test_name_errors_go_when_the_names_are_filled_from_the_register(
    qtbot, main_window, wizard
) -> None:
    page = wizard.applicant_page
    type_text(page.personal_number, APPLICANT)
    _next(qtbot, wizard)
    first_error, last_error = page.errors["first_name"], page.errors["last_name"]
    assert first_error.isVisible() and last_error.isVisible()
    # a screen reader says the message after the field's name
    assert page.first_name.accessibleDescription() == "Förnamn måste fyllas i."
    existing = main_window.my_cases_model.rows[0]
    page.personal_number.clear()
    type_text(page.personal_number, existing.personal_number)
    page.personal_number.editingFinished.emit()  # the user leaves the field
    assert page.first_name.text() == existing.applicant_name.split()[0]
    assert not first_error.isVisible() and first_error.text() == ""
    assert not last_error.isVisible()
    assert page.first_name.accessibleDescription() == ""


def test_name_error_goes_as_the_user_types(qtbot, wizard) -> None:
    page = wizard.applicant_page
    type_text(page.personal_number, APPLICANT)
    _next(qtbot, wizard)
    assert page.errors["first_name"].isVisible()
    type_text(page.first_name, "Å")
    assert not page.errors["first_name"].isVisible()
    assert page.errors["last_name"].isVisible()  # untouched, still empty
    # a wrong personnummer stays wrong until it is right
    type_text(page.personal_number, "1")
    _next(qtbot, wizard)
    assert page.errors["personal_number"].isVisible()
    type_text(page.personal_number, "2")
    assert page.errors["personal_number"].isVisible()
    page.personal_number.setText(APPLICANT)
    assert not page.errors["personal_number"].isVisible()


def test_member_row_message_goes_when_the_row_is_corrected(qtbot, wizard) -> None:
    type_text(wizard.applicant_page.personal_number, APPLICANT)
    type_text(wizard.applicant_page.first_name, "Ali")
    type_text(wizard.applicant_page.last_name, "Hassan")
    _next(qtbot, wizard)
    household = wizard.household_page
    household.add_member(CHILD, "", "Hassan")
    _next(qtbot, wizard)
    assert household.members_error.text() == "Rad 1: för- och efternamn måste fyllas i."
    household.members.item(0, 1).setText("Elsa")  # as when the cell is edited
    assert not household.members_error.isVisible()
    assert household.members_error.text() == ""


def test_esc_with_something_typed_asks_before_the_registration_is_dropped(
    qtbot, wizard, monkeypatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(
            lambda _p, title, *_a, **_k: asked.append(title) or QMessageBox.StandardButton.No
        ),
    )
    type_text(wizard.applicant_page.personal_number, APPLICANT)
    qtbot.keyClick(wizard.applicant_page.personal_number, Qt.Key.Key_Escape)
    assert asked == ["Avbryta registreringen?"]
    assert wizard.isVisible()  # "Nej": the typed number is kept
    assert wizard.applicant_page.personal_number.text() == APPLICANT


def test_esc_on_an_untouched_wizard_closes_it_without_asking(
    qtbot, main_window, wizard, monkeypatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda _p, title, *_a, **_k: asked.append(title))
    )
    qtbot.keyClick(wizard.applicant_page.personal_number, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: main_window.wizard is None, timeout=5_000)
    assert asked == []
