"""Every setting of the program, declared once: its key, what it means (in Swedish), its type
and default, its bounds, where it lives and who may change it.

Ärendestöd keeps settings in three places, each for a reason: IT's configuration files (what a
machine must know before any database is open: which database, the first unit, the
letterhead), the database's `settings` table (rules the whole office shares, changed by an
administrator in the program; a laptop's offline replica keeps its own id in its copy) and
Qt's QSettings (this computer's UI state, the user's own). The places stay; this module is the
one list of what is in them. `configuration` takes the file keys from here, `stored_settings`
the database keys, and the UI the QSettings keys; tests/core/settings/test_registry.py fails
on a setting read in app/ by a key that is not declared here.

To add a setting: declare it below with the other settings of its place and add it to `ALL`;
then read it through `configuration` (files), `stored_settings.get_int` (database) or with
`QSettings` and the declaration's key (UI state). A database setting an administrator may
change appears by itself in the dialog *Arkiv → Inställningar* (integers and one-line
texts, read with `stored_settings.get_int` and `get_text`: another kind needs its parsing in
`Declaration.parse` and a field in the dialog).

Imports nothing of the program but the bottom layer: every layer may read declarations.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.common.errors import ValidationFailed

T = TypeVar("T", covariant=True)
"""Covariant: a Declaration[int] is a Declaration[object] (declarations are immutable)."""


class Location(enum.Enum):
    """Where a setting's value is kept."""

    MACHINE_FILE = "machine_file"
    """IT's TOML file for the whole computer (configuration.system_config_path)."""
    USER_FILE = "user_file"
    """The user's own TOML file (configuration.user_config_path); its keys win over the
    machine file's."""
    DATABASE = "database"
    """The database's `settings` table: shared by everyone using the same database."""
    OFFLINE_DATABASE = "offline_database"
    """The `settings` table of a laptop's encrypted offline replica (app.db.replica)."""
    UI_STATE = "ui_state"
    """Qt's QSettings on this computer, for this user (the registry on Windows)."""

    @property
    def label(self) -> str:
        return {
            "machine_file": "datorns inställningsfil",
            "user_file": "användarens inställningsfil",
            "database": "databasen (gemensam för kontoret)",
            "offline_database": "den bärbara datorns offlinedatabas",
            "ui_state": "den här datorn (användarens egna val)",
        }[self.value]


class ChangedBy(enum.Enum):
    """Who may change a setting, and how."""

    IT = "it"
    """IT, by editing the configuration file (read at start)."""
    ADMINISTRATOR = "administrator"
    """An administrator, in the program (Arkiv → Inställningar); the change is logged."""
    USER = "user"
    """The user herself, by what she does in the program (e.g. the last username)."""
    NOBODY = "nobody"
    """Nobody: the program sets the value itself."""

    @property
    def label(self) -> str:
        return {
            "it": "IT, i inställningsfilen",
            "administrator": "administratör, i programmet",
            "user": "användaren själv",
            "nobody": "ingen (programmet sätter värdet)",
        }[self.value]


class SettingType(enum.Enum):
    """What a setting's value is (statistics values have their own ValueKind)."""

    TEXT = "text"
    LINES = "lines"
    """Text of a few lines (one value per line)."""
    URL = "url"
    PATH = "path"
    """A file; in a configuration file a relative path is read beside the file."""
    INTEGER = "integer"
    IDENTIFIER = "identifier"
    """A UUID the program makes."""


CONFIGURATION_FILES = (Location.MACHINE_FILE, Location.USER_FILE)
"""A configuration file key may stand in either file; the user's wins (configuration.load)."""


@dataclass(frozen=True)
class Declaration(Generic[T]):
    """One setting. `key` is as stored: "section.key" in the configuration files, the row's
    key in the database, the QSettings key (with {placeholders} for a key per server)."""

    key: str
    label: str
    """A short Swedish name, as a field label."""
    description: str
    """What it does, in Swedish, for the administrator or IT reading it."""
    kind: SettingType
    default: T
    places: tuple[Location, ...]
    """Where its value is kept; where there are several, a later place wins."""
    changed_by: ChangedBy
    source: str = ""
    """The rule it follows, where it follows a legal rule (lag, paragraf)."""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    """The longest text accepted (configuration files)."""
    unit: str = ""
    """What an integer counts (plural, e.g. "dagar")."""

    @property
    def section(self) -> str:
        """The TOML section of a configuration-file key ("database" of "database.url")."""
        return self.key.partition(".")[0]

    @property
    def name(self) -> str:
        """The key within its TOML section ("url" of "database.url")."""
        return self.key.partition(".")[2]

    @property
    def places_label(self) -> str:
        """Where it lives, in Swedish, for a list of the settings."""
        if self.places == CONFIGURATION_FILES:
            return "inställningsfilerna (användarens går före datorns)"
        return ", ".join(place.label for place in self.places)

    def key_for(self, **parts: str) -> str:
        """The key with its placeholders filled in (a QSettings key per server, say)."""
        return self.key.format(**parts)

    def parse(self, text: str) -> T:
        """The value of `text` as typed by an administrator, or ValidationFailed with a
        Swedish message for the field (keyed by `key`). Integers and one-line texts."""
        if self.kind is SettingType.TEXT:
            return self._parse_text(text)  # type: ignore[return-value]  # kind TEXT: T is str
        if self.kind is not SettingType.INTEGER:
            raise TypeError(f"{self.key} is not set in the program")
        what = f"antalet {self.unit}" if self.unit else "värdet"
        text = text.strip().replace("\u2212", "-")  # a typographic minus from a word processor
        if not text:
            raise ValidationFailed({self.key: f"Fyll i {what}, {self._range()}."})
        if not _INTEGER.fullmatch(text):
            raise ValidationFailed(
                {self.key: f"Skriv {what} som ett heltal, t.ex. {self.default}."}
            )
        # more than nine digits is absurd for any setting: compared as a billion, never parsed
        # (Python refuses to parse thousands of digits)
        digits = text.lstrip("-").lstrip("0")
        value = int(text) if len(digits) <= 9 else 10**9
        if text.startswith("-"):
            value = -abs(value)
        if value < 0:
            raise ValidationFailed({self.key: f"{what.capitalize()} kan inte vara negativt."})
        if self.minimum is not None and value < self.minimum:
            raise ValidationFailed(
                {self.key: f"{what.capitalize()} måste vara minst {self.minimum}."}
            )
        if self.maximum is not None and value > self.maximum:
            raise ValidationFailed(
                {self.key: f"{what.capitalize()} får vara högst {self.maximum}."}
            )
        return value  # type: ignore[return-value]  # kind INTEGER: T is int

    def _parse_text(self, text: str) -> str:
        """One line of text, spaces at the ends removed; empty means the default."""
        text = " ".join(text.split())  # a pasted line break or tab becomes a space
        if not text:
            return str(self.default)
        if any(not char.isprintable() for char in text):
            raise ValidationFailed(
                {self.key: "Texten innehåller ett tecken som inte kan skrivas ut. Ta bort det."}
            )
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationFailed(
                {self.key: f"Texten får vara högst {self.max_length} tecken (nu {len(text)})."}
            )
        return text

    def _range(self) -> str:
        low = self.minimum if self.minimum is not None else 0
        return f"{low}–{self.maximum}" if self.maximum is not None else f"minst {low}"


_INTEGER = re.compile(r"-?[0-9]+")
"""Digits as typed on a Swedish keyboard: not 1_000 or other scripts' digits, which `int`
would also take."""


# --- configuration files (IT) ------------------------------------------------------------------
DATABASE_URL: Declaration[str | None] = Declaration(
    "database.url",
    "Databas",
    "Den delade servern, t.ex. postgresql://dbserver.kommun.se/arendestod (inga lösenord: var "
    "och en loggar in med sin egen roll). Utan värde öppnas den lokala SQLite-filen. "
    "--db och ARENDESTOD_DB gäller före inställningsfilen.",
    SettingType.URL,
    None,
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=2000,
)
# A new unit's details (the first unit, made at first start or by db init-server): the
# longest values are the units table's columns (checked by the registry test).
UNIT_NAME: Declaration[str] = Declaration(
    "unit.name",
    "Enhetens namn",
    "Namnet på den första enheten, som skapas vid första starten.",
    SettingType.TEXT,
    "Mottagningen",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=200,
)
UNIT_BOARD_NAME: Declaration[str] = Declaration(
    "unit.board_name",
    "Nämnd",
    "Nämnden som besluten fattas på uppdrag av; står som avsändare på beslutsbreven.",
    SettingType.TEXT,
    "Socialnämnden",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=200,
)
UNIT_MUNICIPALITY: Declaration[str] = Declaration(
    "unit.municipality",
    "Kommun",
    "Kommunens namn på beslutsbreven.",
    SettingType.TEXT,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=200,
)
UNIT_MUNICIPALITY_CODE: Declaration[str] = Declaration(
    "unit.municipality_code",
    "Kommunkod",
    "Kommunens fyrsiffriga kod enligt SCB (två siffror län, två kommun), t.ex. 0180. "
    "Socialstyrelsens statistik om ekonomiskt bistånd anger kommunen med den; utan kod går "
    "individunderlaget inte att ta fram. Enheter som redan finns får koden med "
    "arendestod unit set-municipality-code.",
    SettingType.TEXT,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    source="SCB:s kodnyckel Län och kommuner i kodnummerordning; Socialstyrelsens "
    "variabelförteckning för registret över ekonomiskt bistånd (variabeln Kommun)",
    max_length=4,
)
UNIT_PHONE: Declaration[str] = Declaration(
    "unit.phone",
    "Telefon",
    "Enhetens telefonnummer i sidfoten på beslutsbreven.",
    SettingType.TEXT,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=50,
)
UNIT_POSTAL_ADDRESS: Declaration[str] = Declaration(
    "unit.postal_address",
    "Postadress",
    "Enhetens postadress i sidfoten på beslutsbreven.",
    SettingType.TEXT,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=300,
)
LETTERHEAD_MAX_LINES = 3
LETTERHEAD_MAX_LINE_LENGTH = 120
LETTERHEAD_TEXT: Declaration[str] = Declaration(
    "letterhead.text",
    "Brevhuvudets text",
    f"Högst {LETTERHEAD_MAX_LINES} rader (à {LETTERHEAD_MAX_LINE_LENGTH} tecken) längst ned på "
    "varje sida i beslutsbrev och andra utskrifter, t.ex. besöksadress och webbplats.",
    SettingType.LINES,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=LETTERHEAD_MAX_LINES * (LETTERHEAD_MAX_LINE_LENGTH + 1),
)
LOGO_MAX_BYTES = 2_000_000
LETTERHEAD_LOGO: Declaration[str | None] = Declaration(
    "letterhead.logo",
    "Logotyp",
    "Kommunens logotyp (PNG eller JPEG, högst 2 MB) överst på varje sida i beslutsbrev och "
    "andra utskrifter; en relativ sökväg läses bredvid inställningsfilen.",
    SettingType.PATH,
    None,
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=1000,
)

# The besvärshänvisning about laglighetsprövning (kommunallagen 13 kap.) tells the resident
# where the anslagstavla is and which förvaltningsrätt takes the appeal.
APPEAL_NOTICE_BOARD: Declaration[str] = Declaration(
    "appeal.notice_board",
    "Anslagstavla",
    "Var kommunens officiella anslagstavla finns, som det skrivs i besvärshänvisningen om "
    'laglighetsprövning, t.ex. "på www.exempelstad.se/anslagstavla". Utan värde står '
    '"på kommunens webbplats".',
    SettingType.TEXT,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    source="8 kap. 9 och 10 §§ kommunallagen (2017:725)",
    max_length=300,
)
APPEAL_ADMINISTRATIVE_COURT: Declaration[str] = Declaration(
    "appeal.administrative_court",
    "Förvaltningsrätt",
    "Den förvaltningsrätt som kommunen hör till, med postadress, dit en laglighetsprövning "
    "skickas och dit nämnden överlämnar ett överklagande (föreslås i följebrevet; "
    'handläggaren kan skriva en annan), t.ex. "Förvaltningsrätten i Exempelstad, Box 1, '
    '123 45 Exempelstad".',
    SettingType.TEXT,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    source="13 kap. 4 § kommunallagen (2017:725)",
    max_length=300,
)

REGISTER_SERVICES = ("simulator", "ssbtek")
"""The values registers.service takes (app.registers.adapters)."""
REGISTER_SERVICE: Declaration[str] = Declaration(
    "registers.service",
    "Registertjänst",
    'Var registeruppgifter om inkomster och ersättningar hämtas: "simulator" (fiktiva '
    'uppgifter, för demo och test) eller "ssbtek" (den riktiga tjänsten, som ännu inte är '
    "ansluten; se docs/registeruppgifter.md).",
    SettingType.TEXT,
    "simulator",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=20,
)

INTAKE_FOLDER: Declaration[str] = Declaration(
    "intake.folder",
    "Mapp för ansökningar från e-tjänsten",
    "Den mapp som arendestod intake --watch bevakar när e-tjänsten lämnar ansökningar som "
    "filer (lokalt läge): mottagna flyttas till undermappen mottagna, felaktiga till karantan "
    "med skälet bredvid; se docs/e-ansokan.md.",
    SettingType.TEXT,
    "",
    CONFIGURATION_FILES,
    ChangedBy.IT,
    max_length=400,
)

# --- the database (shared by the office) -------------------------------------------------------
DECISION_WARNING_DAYS: Declaration[int] = Declaration(
    "decision_warning_days",
    "Varning för ansökan utan beslut efter",
    "Dagar från ansökan till varning för ansökan utan beslut (FL 9 och 11 §§; en kommun "
    "räknar ungefär en månad som väsentligt försenat).",
    SettingType.INTEGER,
    30,
    (Location.DATABASE,),
    ChangedBy.ADMINISTRATOR,
    source="Förvaltningslagen (2017:900) 9 och 11 §§",
    minimum=1,
    maximum=180,
    unit="dagar",
)
IDLE_LOCK_MINUTES: Declaration[int] = Declaration(
    "idle_lock_minutes",
    "Lås skärmen efter",
    "Minuter utan tangentbord eller mus innan programmet döljer ärendena och frågar efter "
    "lösenordet igen (också i offlinefönstret).",
    SettingType.INTEGER,
    10,
    (Location.DATABASE,),
    ChangedBy.ADMINISTRATOR,
    minimum=1,
    maximum=60,
    unit="minuter",
)
LEX_SARAH_FUNCTION: Declaration[str] = Declaration(
    "lex_sarah_function",
    "Lex Sarah-rapporter lämnas till",
    "Den funktion som tar emot lex Sarah-rapporter enligt nämndens rutin, t.ex. "
    '"Kvalitetsenheten, lex Sarah-funktionen". Programmet visar den när en synpunkt '
    "markeras som lex Sarah-rapport, och rapporten bevakas tills den är lämnad dit.",
    SettingType.TEXT,
    "",
    (Location.DATABASE,),
    ChangedBy.ADMINISTRATOR,
    source="14 kap. 3 § socialtjänstlagen (2001:453)",
    max_length=200,
)
REPLICA_ID: Declaration[str | None] = Declaration(
    "replica.id",
    "Offlinedatabasens id",
    "Den bärbara datorns offlinedatabas får ett eget id när filen skapas; utcheckningarna på "
    "servern anger det.",
    SettingType.IDENTIFIER,
    None,
    (Location.OFFLINE_DATABASE,),
    ChangedBy.NOBODY,
)

OFFLINE_CREDENTIAL: Declaration[str | None] = Declaration(
    "offline_credential.{user_id}",
    "Offlinelösenord",
    "En scrypt-hash av det lösenord användaren valde när ärendena togs med; "
    "`arendestod --offline` frågar efter det. Lösenordet självt sparas inte.",
    SettingType.TEXT,
    None,
    (Location.OFFLINE_DATABASE,),
    ChangedBy.USER,
)

# --- this computer's UI state (QSettings, the user's own) --------------------------------------
LAST_USERNAME: Declaration[str] = Declaration(
    "server_login/{server}/username",
    "Senaste användarnamn",
    "Användarnamnet som senast loggade in på en delad server från den här datorn; föreslås "
    "nästa gång.",
    SettingType.TEXT,
    "",
    (Location.UI_STATE,),
    ChangedBy.USER,
)

ALL: tuple[Declaration[object], ...] = (
    DATABASE_URL,
    UNIT_NAME,
    UNIT_BOARD_NAME,
    UNIT_MUNICIPALITY,
    UNIT_MUNICIPALITY_CODE,
    UNIT_PHONE,
    UNIT_POSTAL_ADDRESS,
    LETTERHEAD_TEXT,
    LETTERHEAD_LOGO,
    APPEAL_NOTICE_BOARD,
    APPEAL_ADMINISTRATIVE_COURT,
    REGISTER_SERVICE,
    INTAKE_FOLDER,
    DECISION_WARNING_DAYS,
    IDLE_LOCK_MINUTES,
    LEX_SARAH_FUNCTION,
    REPLICA_ID,
    OFFLINE_CREDENTIAL,
    LAST_USERNAME,
)


def kept_in(location: Location) -> tuple[Declaration[object], ...]:
    return tuple(d for d in ALL if location in d.places)


def changed_by(who: ChangedBy) -> tuple[Declaration[object], ...]:
    return tuple(d for d in ALL if d.changed_by is who)


def by_key(key: str) -> Declaration[object]:
    for declaration in ALL:
        if declaration.key == key:
            return declaration
    raise KeyError(key)
