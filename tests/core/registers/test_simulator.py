"""The simulated register service: the same answer every time for the same personnummer and
period, realistic items, and each fault a clear Swedish message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.common.identity_number import with_check_digit
from app.registers import adapters
from app.registers.register_service import (
    MonthRange,
    PartialAnswer,
    RegisterFault,
    RegisterRequest,
    RegisterTimeout,
    ServiceUnavailable,
    Source,
    UnknownPerson,
)
from app.registers.simulator import FAULT_NUMBERS, Fault, Simulator, SimulatorConfig

NOVEMBER = MonthRange.of(date(2026, 11, 1))
PEOPLE = [with_check_digit(f"1985031212{n}") for n in range(10)] + [
    with_check_digit(f"1990{m:02d}15{n:03d}") for m in range(1, 13) for n in (23, 47)
]


def request(pnr: str, period: MonthRange = NOVEMBER) -> RegisterRequest:
    return RegisterRequest(pnr, period, "ansokan", "sara.nilsson", "EB-2026-0001")


def test_the_same_person_and_period_give_the_same_answer() -> None:
    period = MonthRange.of(date(2026, 9, 1), date(2026, 11, 1))
    for pnr in PEOPLE:
        first = Simulator().incomes_and_benefits(request(pnr, period))
        again = Simulator().incomes_and_benefits(request(pnr, period))
        assert first == again
        assert {a.source for a in first.answers} == set(Source)
        for item in first.items:
            assert isinstance(item.amount, Decimal) and item.amount > 0
            assert period.first <= item.period_start <= item.period_end <= period.end
            assert item.source_name and item.kind.label


def test_people_and_months_differ() -> None:
    answers = {
        tuple((i.kind, i.amount) for i in Simulator().incomes_and_benefits(request(p)).items)
        for p in PEOPLE
    }
    assert len(answers) > 10
    kinds = {i.kind for p in PEOPLE for i in Simulator().incomes_and_benefits(request(p)).items}
    assert {"aktivitetsstod", "barnbidrag", "bostadsbidrag", "studiebidrag", "lon"} <= kinds
    salaried = next(
        i
        for p in PEOPLE
        for i in Simulator().incomes_and_benefits(request(p)).items
        if i.kind == "lon"
    )
    assert salaried.source is Source.SKATTEVERKET and salaried.payer
    assert salaried.tax_withheld > 0


def test_a_pensioner_gets_pension_from_pensionsmyndigheten() -> None:
    answer = Simulator().incomes_and_benefits(request(with_check_digit("19550505123")))
    (item,) = [i for i in answer.items if i.source is Source.PENSIONSMYNDIGHETEN]
    assert item.kind == "pension" and item.amount > 5_000


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (Fault.TIMEOUT, RegisterTimeout, "svarade inte inom 30 sekunder"),
        (Fault.UNKNOWN_PERSON, UnknownPerson, "känner inte till personnumret"),
        (Fault.PARTIAL, PartialAnswer, "Svar saknas från Försäkringskassan och CSN"),
        (Fault.UNAVAILABLE, ServiceUnavailable, "går inte att nå just nu"),
    ],
)
def test_each_fault_is_a_clear_message(fault, error, words) -> None:
    pnr = next(p for p, f in FAULT_NUMBERS.items() if f is fault)
    with pytest.raises(error, match=words) as by_number:
        Simulator().incomes_and_benefits(request(pnr))
    with pytest.raises(error, match=words):
        Simulator(SimulatorConfig(fault=fault)).incomes_and_benefits(request(PEOPLE[0]))
    assert isinstance(by_number.value, RegisterFault)
    assert str(by_number.value).endswith(".")


def test_a_partial_answer_names_who_did_not_answer() -> None:
    config = SimulatorConfig(fault=Fault.PARTIAL, failing_sources=(Source.SKATTEVERKET,))
    with pytest.raises(PartialAnswer) as partial:
        Simulator(config).incomes_and_benefits(request(PEOPLE[0]))
    assert partial.value.failed == (Source.SKATTEVERKET,)
    assert Source.CSN in partial.value.answered
    assert "Svar saknas från Skatteverket." in str(partial.value)


def test_the_real_service_is_a_configuration_point_not_yet_connected() -> None:
    assert isinstance(adapters.service_named("simulator"), Simulator)
    with pytest.raises(ServiceUnavailable, match="SSBTEK är inte gjord"):
        adapters.service_named("ssbtek").incomes_and_benefits(request(PEOPLE[0]))
    with pytest.raises(ServiceUnavailable, match='"fk-direkt", som programmet inte känner'):
        adapters.service_named("fk-direkt")


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2026, 11, 1), date(2026, 10, 1), "före den första"),
        (date(2025, 10, 1), date(2026, 11, 1), "högst 12 månader"),
        (date(2026, 12, 1), date(2026, 12, 1), "inte har börjat"),
        (date(2026, 11, 1), date(2026, 12, 1), "har inte börjat än"),
    ],
)
def test_periods_the_registers_cannot_answer(first, last, message) -> None:
    assert message in (MonthRange(first, last).problem(date(2026, 11, 23)) or "")


def test_period_text() -> None:
    assert NOVEMBER.text == "november 2026"
    assert MonthRange.of(date(2026, 9, 5), date(2026, 11, 30)).text == (
        "september 2026 – november 2026"
    )
    assert NOVEMBER.problem(date(2026, 11, 23)) is None


def test_a_misspelt_service_stops_the_start(tmp_path) -> None:
    from app.settings import configuration

    system = tmp_path / "system.toml"
    system.write_text('[registers]\nservice = "ssbtk"\n', encoding="utf-8")
    with pytest.raises(configuration.ConfigurationError, match='inte "ssbtk"'):
        configuration.load(system, tmp_path / "none.toml")
    assert configuration.load(tmp_path / "a", tmp_path / "b").register_service == "simulator"


def test_the_documentation_names_the_fault_numbers() -> None:
    from pathlib import Path

    import app

    text = (Path(app.__file__).parent.parent / "docs" / "registeruppgifter.md").read_text("utf-8")
    for digits in FAULT_NUMBERS:
        assert f"{digits[:8]}-{digits[8:]}" in text
    assert "inte ansluten" in text
