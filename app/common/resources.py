"""Where the read-only resources (fonts, code lists, norm tables) live.

In a source checkout they are in `resources/` beside `app/`; in a wheel they are
packaged as `app/_resources`; in a PyInstaller bundle they sit under `sys._MEIPASS`.
"""

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    app_dir = Path(__file__).resolve().parent.parent
    candidates += [app_dir / "_resources", app_dir.parent / "resources"]
    for candidate in candidates:
        if (candidate / "code_lists.json").is_file():
            return candidate
    raise FileNotFoundError("Hittar inte programmets resursfiler (resources/).")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
