"""The installer's files that CI cannot run on Linux: the Windows installer script's promises
(per-machine, silent, never removing user data) and the Linux menu entry."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

INSTALLER = Path(__file__).resolve().parent.parent / "installer"


def iss_sections() -> dict[str, list[str]]:
    """The Inno Setup script's sections, each a list of its lines (comments dropped, lines
    spanned with ' \\' joined as ISPP joins them)."""
    text = (INSTALLER / "windows" / "arendestod.iss").read_text(encoding="utf-8-sig")
    text = re.sub(r" \\\n\s*", " ", text)
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def test_windows_installer_is_per_machine_and_keeps_user_data() -> None:
    sections = iss_sections()
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["PrivilegesRequired"] == "admin"
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # no per-user install
    assert setup["DefaultDirName"] == r"{autopf}\Ärendestöd"
    assert setup["AppVersion"] == "{#AppVersion}"  # from pyproject.toml, via build.py
    assert setup["AppId"] == "{{C9835CBD-D5F5-4C46-A792-27148895BFC2}"  # never to change
    # nothing of the users' is deleted on uninstall; the old version's libraries on upgrade
    assert "UninstallDelete" not in sections
    assert sections["InstallDelete"] == [r'Type: filesandordirs; Name: "{app}\_internal"']
    config = next(line for line in sections["Files"] if "{param:CONFIGDIR}" in line)
    assert r'DestDir: "{commonappdata}\arendestod"' in config
    assert "uninsneveruninstall" in config
    assert any(r'Filename: "{app}\arendestod.exe"' in line for line in sections["Icons"])


def test_linux_menu_entry_starts_the_installed_command() -> None:
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # keys are case-sensitive
    desktop.read(INSTALLER / "linux" / "arendestod.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert (entry["Type"], entry["Name"], entry["Exec"]) == (
        "Application",
        "Ärendestöd",
        "arendestod",
    )
    assert entry["Icon"] == "arendestod"  # the icon build.py installs in hicolor
    assert desktop["Desktop Action Offline"]["Exec"] == "arendestod --offline"
