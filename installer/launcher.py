"""The bundle's entry point: PyInstaller freezes this script, which runs `arendestod`."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
