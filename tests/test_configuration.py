"""IT's configuration files: the system file read before the user's, every mistake stopped
with a message naming the file, the database URL's order, and `arendestod config`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from app import cli
from app.db import location
from app.settings import configuration
from app.settings.configuration import ConfigurationError, LetterheadDesign, UnitDefaults

SYSTEM = """
[database]
url = "postgresql://dbserver.kommun.example/arendestod"

[unit]
name = "Försörjningsstöd Norr"
board_name = "Individ- och familjenämnden"
municipality = "Exempelstads kommun"
municipality_code = "0180"
phone = "010-123 45 00"
postal_address = "Box 100, 123 45 Exempelstad"

[letterhead]
text = '''
Besöksadress: Storgatan 1, Exempelstad
www.exempelstad.example · socialtjansten@exempelstad.example
'''
"""


def write_logo(path: Path, width: int = 300, height: int = 100) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f5f7a"))
    assert image.save(str(path))
    return path


def test_without_files_the_defaults_apply(configure) -> None:
    config = configure()
    assert config == configuration.Configuration()
    assert config.database_url is None
    assert config.unit == UnitDefaults()
    assert config.unit.board_name == "Socialnämnden"
    assert config.letterhead == LetterheadDesign()
    assert config.files == ()


def test_the_system_file_alone(configure, tmp_path) -> None:
    config = configure(system=SYSTEM)
    assert config.database_url == "postgresql://dbserver.kommun.example/arendestod"
    assert config.unit == UnitDefaults(
        name="Försörjningsstöd Norr",
        board_name="Individ- och familjenämnden",
        municipality="Exempelstads kommun",
        municipality_code="0180",
        phone="010-123 45 00",
        postal_address="Box 100, 123 45 Exempelstad",
    )
    assert config.letterhead.lines == (
        "Besöksadress: Storgatan 1, Exempelstad",
        "www.exempelstad.example · socialtjansten@exempelstad.example",
    )
    assert config.files == (tmp_path / "config" / "system.toml",)


def test_the_users_file_wins_key_by_key(configure, tmp_path) -> None:
    config = configure(
        system=SYSTEM,
        user='[database]\nurl = "sqlite:///C:/data/egen.sqlite3"\n[unit]\nphone = "070-1"\n',
    )
    assert config.database_url == "sqlite:///C:/data/egen.sqlite3"
    assert config.unit.phone == "070-1"
    assert config.unit.municipality == "Exempelstads kommun"  # from the system file
    assert config.letterhead.lines[0].startswith("Besöksadress")
    folder = tmp_path / "config"
    assert config.files == (folder / "system.toml", folder / "user.toml")


def test_the_example_file_in_the_installer_is_valid(configure) -> None:
    example = Path(__file__).resolve().parent.parent / "installer" / "arendestod.example.toml"
    config = configure(system=example.read_text(encoding="utf-8"))
    assert config.unit.municipality == "Exempelstads kommun"
    assert len(config.letterhead.lines) == 2
    assert config.appeal.notice_board == "på www.exempelstad.example/anslagstavla"
    assert config.register_service == "simulator"


def test_empty_unit_values_keep_the_defaults(configure) -> None:
    config = configure(system='[unit]\nname = ""\nboard_name = "  "\n')
    assert (config.unit.name, config.unit.board_name) == ("Mottagningen", "Socialnämnden")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[database\nurl = 1", "är inte giltig TOML"),
        ('[databas]\nurl = "x"\n', r"okänd del \[databas\]. Kända delar: \[database\]"),
        ('[database]\nadress = "x"\n', "okänd nyckel adress i .database.. Kända nycklar: url"),
        ("[database]\nurl = 5432\n", "database.url ska vara text inom citattecken"),
        ('url = "postgresql://x/y"\n', "okänd del .url."),
        ("[unit]\nphone = '" + "1" * 51 + "'\n", "unit.phone är längre än 50 tecken"),
        ('[unit]\nname = "Enhet\\u0000"\n', "unit.name innehåller ett otillåtet tecken"),
        ('[letterhead]\ntext = "a\\nb\\nc\\nd"\n', "högst 3 rader .den har 4."),
        ("[letterhead]\ntext = '" + "x" * 121 + "'\n", "längre än 120 tecken"),
        ('[letterhead]\nlogo = "finns-inte.png"\n', "finns-inte.png kan inte läsas"),
        ('[unit]\nmunicipality_code = "180"\n', "municipality_code: Kommunkoden ska vara fyra"),
        ('[unit]\nmunicipality_code = "0280"\n', "Kommunkoden 0280 börjar inte med en länskod"),
    ],
)
def test_a_mistake_stops_with_the_file_named(configure, tmp_path, text, message) -> None:
    with pytest.raises(ConfigurationError, match=message) as raised:
        configure(system=text)
    assert str(tmp_path / "config" / "system.toml") in str(raised.value)


def test_a_mistake_in_the_users_file_names_that_file(configure, tmp_path) -> None:
    with pytest.raises(ConfigurationError) as raised:
        configure(system=SYSTEM, user="[unit]\nkommun = 'Norrby'\n")
    assert str(raised.value).startswith(f"Inställningsfilen {tmp_path / 'config' / 'user.toml'}")


def test_a_file_that_is_not_utf8_is_refused(configure, tmp_path) -> None:
    configure()
    (tmp_path / "config" / "system.toml").write_bytes('[unit]\nname = "Malmö"\n'.encode("cp1252"))
    with pytest.raises(ConfigurationError, match="inte giltig TOML"):
        configuration.reload()


def test_the_logo_is_read_beside_the_file_and_checked(configure, tmp_path) -> None:
    write_logo(tmp_path / "config" / "logotyp.png")
    config = configure(system='[letterhead]\nlogo = "logotyp.png"\n')
    assert config.letterhead.logo == tmp_path / "config" / "logotyp.png"

    (tmp_path / "config" / "text.png").write_text("inte en bild")
    with pytest.raises(ConfigurationError, match=r"text\.png är inte en PNG- eller JPEG-bild"):
        configure(system='[letterhead]\nlogo = "text.png"\n')

    huge = tmp_path / "huge.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2_000_001))
    with pytest.raises(ConfigurationError, match="större än 2 MB"):
        configure(system=f"[letterhead]\nlogo = '{huge}'\n")


def test_the_database_url_order(configure, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(location.ENV_VAR, raising=False)
    configure()
    assert location.resolve_database_url() == f"sqlite:///{location.default_sqlite_path()}"
    configure(system='[database]\nurl = "postgresql://server/db"\n')
    assert location.resolve_database_url() == "postgresql://server/db"
    monkeypatch.setenv(location.ENV_VAR, "postgresql://env/db")
    assert location.resolve_database_url() == "postgresql://env/db"
    assert location.resolve_database_url("sqlite:///cli.sqlite3") == "sqlite:///cli.sqlite3"


def test_config_command_shows_it_all_without_the_password(configure, capsys) -> None:
    configure(
        system=SYSTEM.replace("dbserver.kommun", "it:hemligt@dbserver.kommun"),
        user=None,
    )
    assert cli.main(["config"]) == 0
    said = capsys.readouterr().out
    assert "system.toml (läst)" in said
    assert "user.toml (finns inte)" in said
    assert "Databas: postgresql://it:***@dbserver.kommun.example/arendestod" in said
    assert "hemligt" not in said
    assert "kommun: Exempelstads kommun" in said
    assert "Brevhuvudets text: Besöksadress: Storgatan 1, Exempelstad / www." in said


def test_every_command_stops_on_a_broken_file(configure, capsys, tmp_path) -> None:
    configure()
    (tmp_path / "config" / "system.toml").write_text("[unit]\nname = Mottagningen\n")
    configuration.current.cache_clear()
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "db", "status"]) == 2
    error = capsys.readouterr().err
    assert "system.toml är inte giltig TOML" in error
    assert not (tmp_path / "x.sqlite3").exists()
