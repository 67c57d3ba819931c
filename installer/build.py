"""Build Ärendestöd for the OS this runs on: `uv run --group bundle python installer/build.py`.

1. icons rendered from resources/icons/arendestod.svg (PNG sizes, and .ico on Windows);
2. the one-folder bundle with PyInstaller (installer/arendestod.spec) in build/dist/arendestod;
3. the bundle's own `arendestod selftest`, with a configuration file that sets a letterhead
   logo and text, so the bundle is checked the way IT will run it;
4. with --package: the installer, build/dist/arendestod_<version>_<arch>.deb on Linux
   (dpkg-deb) or build/dist/Arendestod-<version>-setup.exe on Windows (Inno Setup's ISCC).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = BUILD / "dist"
BUNDLE = DIST / "arendestod"
ICONS = BUILD / "icons"
ICON_SVG = ROOT / "resources" / "icons" / "arendestod.svg"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
WINDOWS = sys.platform == "win32"

# What the bundled Qt needs from a Linux system (README, "Linux"): libraries PyInstaller
# leaves to the system, and the xcb ones Qt's window plugin loads.
DEB_DEPENDS = (
    "libc6 (>= 2.36), libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, "
    "libfreetype6, libglib2.0-0, libdbus-1-3, libxcb-cursor0, libxcb-icccm4, "
    "libxcb-keysyms1, libxcb-shape0, libxcb-xinerama0, libxcb-randr0, libxcb-render-util0, "
    "libxcb-image0"
)


def version() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


@contextmanager
def step(label: str) -> Iterator[None]:
    """Prints the step and, when it is done, how long it took."""
    print(f"==> {label}", flush=True)
    started = time.perf_counter()
    yield
    print(f"    ({time.perf_counter() - started:.1f} s)", flush=True)


def render_icons() -> None:
    """PNGs of every size from the SVG (and the .ico Windows wants), drawn by Qt itself."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ICON_SVG))
    if not renderer.isValid():
        raise SystemExit(f"{ICON_SVG} kan inte läsas som SVG.")
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"arendestod-{size}.png"))
        if size == 256 and WINDOWS and not image.save(str(ICONS / "arendestod.ico")):
            raise SystemExit("Qt kunde inte skriva arendestod.ico.")


def write_version_info(app_version: str) -> None:
    """The Windows file version resource (Properties → Details in Explorer)."""
    numbers = ", ".join(([*app_version.split("."), "0", "0", "0"])[:4])
    fields = {
        "CompanyName": "Ärendestöd",
        "FileDescription": "Ärendestöd – handläggarstöd för ekonomiskt bistånd",
        "FileVersion": app_version,
        "ProductName": "Ärendestöd",
        "ProductVersion": app_version,
    }
    strings = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in fields.items())
    (BUILD / "version_info.txt").write_text(
        f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers})),
  kids=[
    StringFileInfo([StringTable('041D04B0', [
{strings}
    ])]),
    VarFileInfo([VarStruct('Translation', [0x041D, 1200])]),
  ],
)
""",
        encoding="utf-8",
    )


def run_pyinstaller() -> None:
    import PyInstaller.__main__

    PyInstaller.__main__.run(
        [
            str(ROOT / "installer" / "arendestod.spec"),
            "--noconfirm",
            "--log-level=WARN",
            f"--distpath={DIST}",
            f"--workpath={BUILD / 'work'}",
        ]
    )


def bundle_program() -> Path:
    """The program for command lines: on Windows the console twin of the window program."""
    return BUNDLE / ("arendestod-cli.exe" if WINDOWS else "arendestod")


def selftest(app_version: str) -> None:
    """The bundle's selftest, with a system configuration file as IT would write one."""
    config_dir = BUILD / "selftest-config"
    shutil.rmtree(config_dir, ignore_errors=True)
    config_dir.mkdir(parents=True)
    shutil.copy(ICONS / "arendestod-256.png", config_dir / "logotyp.png")
    (config_dir / "arendestod.toml").write_text(
        '[unit]\nmunicipality = "Exempelstads kommun"\n\n'
        '[letterhead]\ntext = "Besöksadress: Storgatan 1, Exempelstad · www.exempelstad.se"\n'
        'logo = "logotyp.png"\n',
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        ARENDESTOD_SYSTEM_CONFIG=str(config_dir / "arendestod.toml"),
        ARENDESTOD_CONFIG=str(config_dir / "ingen-användarfil.toml"),
    )
    env.pop("ARENDESTOD_DB", None)
    said = subprocess.run(
        [str(bundle_program()), "--version"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    if said != f"Ärendestöd {app_version}":
        raise SystemExit(f"Paketet säger {said!r}, pyproject.toml {app_version}.")
    result = subprocess.run([str(bundle_program()), "selftest"], env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"Paketets självtest misslyckades (kod {result.returncode}).")


def folder_size(path: Path) -> str:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return f"{total / 1e6:.0f} MB"


def package_deb(app_version: str) -> Path:
    """A .deb: the bundle in /opt/arendestod, `arendestod` on the PATH, a menu entry and
    icons. Removing it removes those files only: the users' databases and replicas (in
    their home folders) and IT's /etc/xdg/arendestod/arendestod.toml are not the package's."""
    architecture = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = BUILD / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(BUNDLE, root / "opt" / "arendestod", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "arendestod").symlink_to("/opt/arendestod/arendestod")
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy(ROOT / "installer" / "linux" / "arendestod.desktop", applications)
    icons = root / "usr" / "share" / "icons" / "hicolor"
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy(ICON_SVG, icons / "scalable" / "apps" / "arendestod.svg")
    for size in ICON_SIZES:
        folder = icons / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copy(ICONS / f"arendestod-{size}.png", folder / "arendestod.png")
    doc = root / "usr" / "share" / "doc" / "arendestod"
    doc.mkdir(parents=True)
    shutil.copy(ROOT / "installer" / "arendestod.example.toml", doc)
    installed_kb = (
        sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink()) // 1024
    )
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"""Package: arendestod
Version: {app_version}
Architecture: {architecture}
Maintainer: Ärendestöd <arendestod@example.invalid>
Installed-Size: {installed_kb}
Depends: {DEB_DEPENDS}
Section: misc
Priority: optional
Description: Ärendestöd – handläggarstöd för ekonomiskt bistånd
 Ärenden, journal, utredningar, beräkning av försörjningsstöd och beslutsbrev
 för socialtjänstens handläggare och chefer. Inställningar för hela datorn:
 /etc/xdg/arendestod/arendestod.toml (exempel i /usr/share/doc/arendestod).
""",
        encoding="utf-8",
    )
    target = DIST / f"arendestod_{app_version}_{architecture}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zzstd", "-z9", "--build", str(root), str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


def package_windows(app_version: str) -> Path:
    """The Inno Setup installer (installer/windows/arendestod.iss), compiled with ISCC."""
    iscc = shutil.which("ISCC") or next(
        (
            str(candidate)
            for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES"))
            if base
            for candidate in [Path(base) / "Inno Setup 6" / "ISCC.exe"]
            if candidate.exists()
        ),
        None,
    )
    if iscc is None:
        raise SystemExit("Inno Setup 6 (ISCC.exe) saknas: https://jrsoftware.org/isdl.php")
    subprocess.run(
        [
            iscc,
            f"/DAppVersion={app_version}",
            f"/DBundleDir={BUNDLE}",
            f"/DIconFile={ICONS / 'arendestod.ico'}",
            f"/O{DIST}",
            str(ROOT / "installer" / "windows" / "arendestod.iss"),
        ],
        check=True,
    )
    return DIST / f"Arendestod-{app_version}-setup.exe"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/build.py", description=__doc__.split("\n")[0])
    parser.add_argument("--package", action="store_true", help="build the installer too")
    parser.add_argument("--skip-selftest", action="store_true")
    args = parser.parse_args(argv)
    app_version = version()
    started = time.perf_counter()
    print(f"Ärendestöd {app_version} för {platform.system()} {platform.machine()}")
    with step("ikoner"):
        render_icons()
    if WINDOWS:
        write_version_info(app_version)
    with step("PyInstaller"):
        run_pyinstaller()
    print(f"    {BUNDLE} ({folder_size(BUNDLE)})")
    if not args.skip_selftest:
        with step("paketets självtest"):
            selftest(app_version)
    if args.package:
        with step("installationsprogram"):
            target = package_windows(app_version) if WINDOWS else package_deb(app_version)
        print(f"    {target} ({target.stat().st_size / 1e6:.0f} MB)")
    print(f"Klart på {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
