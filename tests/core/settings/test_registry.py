"""The registry is the one list of settings: every setting read in app/ is declared there, once,
and the readers take their keys, defaults and bounds from it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.models import Unit
from app.settings import configuration, registry
from app.settings.configuration import Configuration, LetterheadDesign, UnitDefaults
from app.settings.registry import ChangedBy, Declaration, Location

APP = Path(__file__).resolve().parents[3] / "app"
REGISTRY_FILE = APP / "settings" / "registry.py"


def test_every_declaration_is_listed_once() -> None:
    declared = [v for v in vars(registry).values() if isinstance(v, Declaration)]
    assert set(declared) == set(registry.ALL)
    keys = [d.key for d in registry.ALL]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("declaration", registry.ALL, ids=lambda d: d.key)
def test_each_declaration_is_complete(declaration: Declaration[object]) -> None:
    assert declaration.label and declaration.description
    assert declaration.places
    if {Location.DATABASE, Location.OFFLINE_DATABASE, Location.UI_STATE} & set(declaration.places):
        assert len(declaration.places) == 1
    if Location.MACHINE_FILE in declaration.places:
        assert declaration.places == registry.CONFIGURATION_FILES
        assert declaration.changed_by is ChangedBy.IT
        assert declaration.section and declaration.name and declaration.max_length
    if declaration.changed_by is ChangedBy.ADMINISTRATOR:
        # changed in the program: stored for the office, with bounds to check against
        assert declaration.places == (Location.DATABASE,)
        assert declaration.parse(str(declaration.default)) == declaration.default
        if declaration.kind is registry.SettingType.TEXT:
            assert declaration.max_length
            return
        assert declaration.kind is registry.SettingType.INTEGER
        assert declaration.minimum is not None and declaration.maximum is not None
        assert declaration.minimum <= declaration.default <= declaration.maximum  # type: ignore[operator]


def test_the_legal_source_of_the_warning_days_is_kept() -> None:
    assert "FL 9 och 11 §§" in registry.DECISION_WARNING_DAYS.description
    assert "9 och 11 §§" in registry.DECISION_WARNING_DAYS.source


def test_the_files_take_exactly_the_declared_keys() -> None:
    file_keys = {d.key for d in registry.kept_in(Location.MACHINE_FILE)}
    assert file_keys == {d.key for d in registry.kept_in(Location.USER_FILE)}
    assert {
        f"{section}.{key}" for section, keys in configuration._SECTIONS.items() for key in keys
    } == file_keys


def test_the_configuration_defaults_are_the_declared_ones() -> None:
    assert Configuration().database_url == registry.DATABASE_URL.default
    unit = UnitDefaults()
    for declaration in registry.kept_in(Location.MACHINE_FILE):
        if declaration.section == "unit":
            assert getattr(unit, declaration.name) == declaration.default
    assert LetterheadDesign().lines == ()
    assert LetterheadDesign().logo is registry.LETTERHEAD_LOGO.default


def test_a_units_details_fit_its_columns() -> None:
    """A new unit is made from the [unit] keys: none may be longer than its column."""
    for declaration in registry.kept_in(Location.MACHINE_FILE):
        if declaration.section == "unit":
            column = Unit.__table__.c[declaration.name]
            assert declaration.max_length == column.type.length, declaration.key


def test_each_file_key_is_read(configure, tmp_path) -> None:
    """A file setting every key (the logo a PNG beside it) is accepted and each value used."""
    (tmp_path / "config" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    config = configure(
        system="""
[database]
url = "postgresql://server.example/arendestod"
[unit]
name = "Enhet"
board_name = "Nämnd"
municipality = "Kommun"
municipality_code = "1980"
phone = "010-1"
postal_address = "Box 1"
[letterhead]
text = "Rad"
logo = "logo.png"
[appeal]
notice_board = "på www.kommun.example/anslagstavla"
administrative_court = "Förvaltningsrätten i Exempelstad"
[registers]
service = "ssbtek"
[intake]
folder = "/srv/e-ansokan"
"""
    )
    values = {
        "database.url": config.database_url,
        "unit.name": config.unit.name,
        "unit.board_name": config.unit.board_name,
        "unit.municipality": config.unit.municipality,
        "unit.municipality_code": config.unit.municipality_code,
        "unit.phone": config.unit.phone,
        "unit.postal_address": config.unit.postal_address,
        "letterhead.text": "\n".join(config.letterhead.lines),
        "letterhead.logo": config.letterhead.logo and config.letterhead.logo.name,
        "appeal.notice_board": config.appeal.notice_board,
        "appeal.administrative_court": config.appeal.administrative_court,
        "registers.service": config.register_service,
        "intake.folder": config.intake_folder,
    }
    assert set(values) == {d.key for d in registry.kept_in(Location.MACHINE_FILE)}
    for key, value in values.items():
        assert value and value != registry.by_key(key).default, key


# --- nothing in app/ reads a setting past the registry ------------------------------------------


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in APP.rglob("*.py")]


def _is_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant | ast.JoinedStr) or (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Constant)  # "…".format(…)
    )


def test_no_declared_key_is_written_out_elsewhere() -> None:
    """A key as a literal outside the registry would be a second declaration of it."""
    keys = {d.key for d in registry.ALL}
    found = [
        f"{path.relative_to(APP.parent)}:{node.lineno}: {node.value!r}"
        for path, tree in _sources()
        if path != REGISTRY_FILE
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in keys
    ]
    assert not found


def _reads_past_the_registry(tree: ast.Module) -> list[int]:
    """Lines reading a setting by a key that is not a declaration's: the settings table by a
    literal key (Setting.key == "…", Setting(key="…")), QSettings by a key that does not
    name the registry, or a QSettings kept in a variable (which the rest cannot follow)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and ast.unparse(node.left) == "Setting.key":
            literal = any(_is_literal(c) for c in node.comparators)
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "Setting":
            literal = any(k.arg == "key" and _is_literal(k.value) for k in node.keywords)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            literal = ast.unparse(node.value.func) == "QSettings"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and "QSettings(" in ast.unparse(node.func.value)
        ):
            literal = not node.args or "registry." not in ast.unparse(node.args[0])
        else:
            continue
        if literal:
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "code",
    [
        'select(Setting.value).where(Setting.key == "decision_warning_days")',
        'session.add(Setting(key="x", value="1"))',
        'session.add(Setting(key=f"x{n}", value="1"))',
        'QSettings().value("window/geometry")',
        'QSettings().setValue("a/{b}".format(b=1), 2)',
        "settings = QSettings()",
    ],
)
def test_the_check_finds_a_key_past_the_registry(code: str) -> None:
    assert _reads_past_the_registry(ast.parse(code)) == [1]


@pytest.mark.parametrize(
    "code",
    [
        "select(Setting.value).where(Setting.key == declaration.key)",
        "Setting(key=REPLICA_ID_KEY, value=x)",
        "QSettings().value(registry.LAST_USERNAME.key_for(server=s), '')",
    ],
)
def test_the_check_passes_a_declared_key(code: str) -> None:
    assert _reads_past_the_registry(ast.parse(code)) == []


def test_app_reads_settings_only_by_declared_keys() -> None:
    """With the literal-key check above: a setting read anywhere in app/ is declared."""
    found = {
        f"{path.relative_to(APP.parent)}:{line}"
        for path, tree in _sources()
        for line in _reads_past_the_registry(tree)
    }
    assert not found, f"settings read with a key not from app.settings.registry: {found}"
