"""Which register service answers: the configuration point (registers.service in the
configuration files, app.settings.registry.REGISTER_SERVICE). "simulator" answers with
fictional data; "ssbtek", the real service, is not connected yet (docs/registeruppgifter.md
describes what it expects) and says so at every look-up."""

from __future__ import annotations

from app.registers.register_service import (
    RegisterAnswer,
    RegisterRequest,
    RegisterService,
    ServiceUnavailable,
)
from app.registers.simulator import Simulator
from app.settings import configuration, registry

SIMULATOR, SSBTEK = registry.REGISTER_SERVICES


class NotConnected:
    """The real register service: its connection is not made. Every look-up is refused
    with a message for the handläggare (and IT)."""

    name = "SSBTEK (inte ansluten)"

    def incomes_and_benefits(self, request: RegisterRequest) -> RegisterAnswer:
        raise ServiceUnavailable(
            "Kopplingen till registertjänsten SSBTEK är inte gjord i den här installationen, så "
            "inga registeruppgifter kan hämtas. Be sökanden om underlag och kontakta IT "
            "(inställningen registers.service)."
        )


def service_named(name: str) -> RegisterService:
    if name == SIMULATOR:
        return Simulator()
    if name == SSBTEK:
        return NotConnected()
    raise ServiceUnavailable(
        f'Inställningen registers.service har värdet "{name}", som programmet inte känner till '
        f'("{SIMULATOR}" eller "{SSBTEK}"). Kontakta IT.'
    )


def configured() -> RegisterService:
    """The service the configuration files name (the simulator without files)."""
    return service_named(configuration.current().register_service)
