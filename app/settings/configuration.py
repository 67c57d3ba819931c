"""Configuration files: one for the whole machine, set by IT, then one per user.

Both are TOML with the same keys; a key in the user's file wins over the same key in the
system file. Everything is optional: without files the app opens its local SQLite database
and prints letters with the unit's own details. A misspelt key or a wrong value stops the
start with a message naming the file, rather than being silently ignored.

The keys, their defaults and their longest values are declared in app.settings.registry (as
every other setting is); this module reads and checks the files.

    [database]
    url = "postgresql://dbserver.kommun.local/arendestod"

    [unit]             # a new unit's details (the first unit, made at first start)
    name = "Mottagningen"
    board_name = "Socialnämnden"
    municipality = "Exempelstads kommun"
    municipality_code = "0180"   # SCB:s kommunkod (Socialstyrelsens statistik)
    phone = "010-123 45 00"
    postal_address = "Socialförvaltningen, Box 100, 123 45 Exempelstad"

    [letterhead]       # on decision letters and every other printout
    text = "Besöksadress: Storgatan 1 · www.exempelstad.se"
    logo = "logotyp.png"   # PNG or JPEG; a relative path is read beside the file

    [appeal]           # in the besvärshänvisning about laglighetsprövning
    notice_board = "på www.exempelstad.se/anslagstavla"
    administrative_court = "Förvaltningsrätten i Exempelstad, Box 1, 123 45 Exempelstad"

    [registers]        # register look-ups (SSBTEK), docs/registeruppgifter.md
    service = "simulator"  # or "ssbtek" once connected

    [intake]           # the watched folder of applications, docs/e-ansokan.md
    folder = "D:/e-ansokan"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from platformdirs import site_config_dir, user_config_dir

from app.common import municipality_code
from app.settings import registry
from app.settings.registry import Declaration, Location

APP_NAME = "arendestod"
FILE_NAME = "arendestod.toml"
SYSTEM_ENV = "ARENDESTOD_SYSTEM_CONFIG"
"""Another path for the system file (a network share, say), instead of the OS's place."""
USER_ENV = "ARENDESTOD_CONFIG"

LETTERHEAD_MAX_LINES = registry.LETTERHEAD_MAX_LINES
LETTERHEAD_MAX_LINE_LENGTH = registry.LETTERHEAD_MAX_LINE_LENGTH
LOGO_MAX_BYTES = registry.LOGO_MAX_BYTES
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class ConfigurationError(Exception):
    """A configuration file that cannot be used; the message is for the user, in Swedish."""


@dataclass(frozen=True)
class UnitDefaults:
    """A new unit's details: [unit] in the files, else the registry's defaults."""

    name: str = registry.UNIT_NAME.default
    board_name: str = registry.UNIT_BOARD_NAME.default
    municipality: str = registry.UNIT_MUNICIPALITY.default
    municipality_code: str = registry.UNIT_MUNICIPALITY_CODE.default
    phone: str = registry.UNIT_PHONE.default
    postal_address: str = registry.UNIT_POSTAL_ADDRESS.default


@dataclass(frozen=True)
class LetterheadDesign:
    lines: tuple[str, ...] = ()
    """The letterhead text, printed small at the foot of every page."""
    logo: Path | None = None
    """Printed at the head of every page, left of the sender."""


@dataclass(frozen=True)
class AppealDetails:
    """What the besvärshänvisning about laglighetsprövning names: where the kommun's
    anslagstavla is and the förvaltningsrätt the appeal goes to ("" when not set)."""

    notice_board: str = registry.APPEAL_NOTICE_BOARD.default
    administrative_court: str = registry.APPEAL_ADMINISTRATIVE_COURT.default


@dataclass(frozen=True)
class Configuration:
    database_url: str | None = registry.DATABASE_URL.default
    unit: UnitDefaults = UnitDefaults()
    letterhead: LetterheadDesign = LetterheadDesign()
    appeal: AppealDetails = AppealDetails()
    register_service: str = registry.REGISTER_SERVICE.default
    """Which register service answers look-ups (app.registers.adapters)."""
    intake_folder: str = registry.INTAKE_FOLDER.default
    """The folder `arendestod intake --watch` watches ("" when not set)."""
    files: tuple[Path, ...] = ()
    """The files read, system file first."""


_FILE_SETTINGS = registry.kept_in(Location.MACHINE_FILE)


def _sections() -> dict[str, dict[str, int]]:
    """The keys each section takes, with the longest value allowed."""
    sections: dict[str, dict[str, int]] = {}
    for declaration in _FILE_SETTINGS:
        assert declaration.max_length is not None, declaration.key
        sections.setdefault(declaration.section, {})[declaration.name] = declaration.max_length
    return sections


_SECTIONS = _sections()


def system_config_path() -> Path:
    """Windows: C:\\ProgramData\\arendestod\\arendestod.toml; Linux:
    /etc/xdg/arendestod/arendestod.toml; macOS: /Library/Application Support/arendestod/…"""
    if os.environ.get(SYSTEM_ENV):
        return Path(os.environ[SYSTEM_ENV])
    return Path(site_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


def user_config_path() -> Path:
    """Windows: %LOCALAPPDATA%\\arendestod\\arendestod.toml; Linux: ~/.config/arendestod/…"""
    if os.environ.get(USER_ENV):
        return Path(os.environ[USER_ENV])
    return Path(user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


@cache
def current() -> Configuration:
    """The configuration of this run, read once (`reload` reads the files again)."""
    return load(system_config_path(), user_config_path())


def reload() -> Configuration:
    current.cache_clear()
    return current()


def load(system_file: Path, user_file: Path) -> Configuration:
    """Both files merged key by key, the user's over the system's; missing files are empty."""
    merged: dict[str, tuple[str, Path]] = {}
    """The value of each key ("section.key", as declared) and the file it came from."""
    read: list[Path] = []
    for path in (system_file, user_file):
        values = _read(path)
        if values is None:
            continue
        read.append(path)
        for section, keys in values.items():
            for key, text in keys.items():
                merged[f"{section}.{key}"] = (text, path)

    def value(declaration: Declaration[object]) -> str | None:
        entry = merged.get(declaration.key)
        return entry[0] if entry else None

    unit_values = {d.name: value(d) for d in _FILE_SETTINGS if d.section == "unit"}
    code = unit_values.get("municipality_code")
    if code and (wrong := municipality_code.problem(code)):
        entry = merged[registry.UNIT_MUNICIPALITY_CODE.key]
        key = registry.UNIT_MUNICIPALITY_CODE.key
        raise ConfigurationError(f"Inställningsfilen {entry[1]}: {key}: {wrong}")
    service = (value(registry.REGISTER_SERVICE) or "").strip()
    if service and service not in registry.REGISTER_SERVICES:
        entry = merged[registry.REGISTER_SERVICE.key]
        raise ConfigurationError(
            f"Inställningsfilen {entry[1]}: {registry.REGISTER_SERVICE.key} ska vara "
            + " eller ".join(f'"{name}"' for name in registry.REGISTER_SERVICES)
            + f', inte "{service}".'
        )
    return Configuration(
        database_url=value(registry.DATABASE_URL) or None,
        unit=UnitDefaults(**{k: v for k, v in unit_values.items() if v}),
        letterhead=LetterheadDesign(
            lines=_letterhead_lines(merged.get(registry.LETTERHEAD_TEXT.key)),
            logo=_logo(merged.get(registry.LETTERHEAD_LOGO.key)),
        ),
        appeal=AppealDetails(
            notice_board=(value(registry.APPEAL_NOTICE_BOARD) or "").strip(),
            administrative_court=(value(registry.APPEAL_ADMINISTRATIVE_COURT) or "").strip(),
        ),
        register_service=service or registry.REGISTER_SERVICE.default,
        intake_folder=(value(registry.INTAKE_FOLDER) or "").strip(),
        files=tuple(read),
    )


def _read(path: Path) -> dict[str, dict[str, str]] | None:
    """One file's sections, checked against the known keys; None if there is no file."""
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigurationError(
            f"Inställningsfilen {path} kan inte läsas: {error.strerror}."
        ) from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigurationError(
            f"Inställningsfilen {path} är inte giltig TOML: {error}."
        ) from error
    checked: dict[str, dict[str, str]] = {}
    for section, keys in document.items():
        known = _SECTIONS.get(section)
        if known is None or not isinstance(keys, dict):
            raise ConfigurationError(
                f"Inställningsfilen {path}: okänd del [{section}]. "
                f"Kända delar: {', '.join(f'[{name}]' for name in _SECTIONS)}."
            )
        for key, value in keys.items():
            where = f"Inställningsfilen {path}: {section}.{key}"
            if key not in known:
                raise ConfigurationError(
                    f"Inställningsfilen {path}: okänd nyckel {key} i [{section}]. "
                    f"Kända nycklar: {', '.join(known)}."
                )
            if not isinstance(value, str):
                raise ConfigurationError(f"{where} ska vara text inom citattecken.")
            if len(value) > known[key]:
                raise ConfigurationError(f"{where} är längre än {known[key]} tecken.")
            if "\x00" in value:
                raise ConfigurationError(f"{where} innehåller ett otillåtet tecken.")
            checked.setdefault(section, {})[key] = value.strip()
    return checked


def _letterhead_lines(entry: tuple[str, Path] | None) -> tuple[str, ...]:
    if entry is None:
        return ()
    text, path = entry
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    if len(lines) > LETTERHEAD_MAX_LINES:
        raise ConfigurationError(
            f"Inställningsfilen {path}: letterhead.text får ha högst "
            f"{LETTERHEAD_MAX_LINES} rader (den har {len(lines)})."
        )
    for line in lines:
        if len(line) > LETTERHEAD_MAX_LINE_LENGTH:
            raise ConfigurationError(
                f"Inställningsfilen {path}: en rad i letterhead.text är längre än "
                f"{LETTERHEAD_MAX_LINE_LENGTH} tecken och får inte plats på sidan."
            )
    return lines


def _logo(entry: tuple[str, Path] | None) -> Path | None:
    """The logo file, checked now: a missing logo should stop the start, not a letter."""
    if entry is None or not entry[0]:
        return None
    value, config_file = entry
    logo = Path(value).expanduser()
    if not logo.is_absolute():
        logo = config_file.parent / logo
    where = f"Inställningsfilen {config_file}: letterhead.logo"
    try:
        size = logo.stat().st_size
        with logo.open("rb") as file:
            head = file.read(8)
    except OSError as error:
        raise ConfigurationError(
            f"{where}: filen {logo} kan inte läsas ({error.strerror})."
        ) from error
    if not any(head.startswith(signature) for signature in _IMAGE_SIGNATURES):
        raise ConfigurationError(f"{where}: {logo} är inte en PNG- eller JPEG-bild.")
    if size > LOGO_MAX_BYTES:
        raise ConfigurationError(f"{where}: {logo} är större än 2 MB.")
    return logo
