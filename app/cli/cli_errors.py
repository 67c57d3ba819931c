"""Every error of a command as one Swedish sentence on stderr and exit status 2.

`guarded` runs a command and turns what it raises into a sentence: a service's own message,
a file that cannot be written (with its path), a database address that cannot be read, a
server that does not answer or refuses the login (never echoing the password), a number too
large. Developers see the traceback with ARENDESTOD_DEBUG=1 (or `--debug`).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable

DEBUG_VARIABLE = "ARENDESTOD_DEBUG"
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

_OS_REASONS = {
    errno.ENOENT: "mappen eller filen finns inte",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "behörighet saknas",
    errno.EISDIR: "det är en mapp, inte en fil",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp",
    errno.ENOSPC: "disken är full",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EEXIST: "filen finns redan",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EBUSY: "filen används av ett annat program",
}

_LOGIN_STATES = {"28P01", "28000"}
_LOGIN_TEXTS = ("password authentication failed", "no password supplied", 'role "')


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "").strip().lower() in ("1", "ja", "yes", "true")


def guarded(command: Callable[[], int], *, debug: bool = False) -> int:
    """Run `command`; an exception becomes a Swedish sentence on stderr and exit status 2."""
    if debug or debug_enabled():
        return command()
    try:
        return command()
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the one place that turns errors into sentences
        print(message_for(error), file=sys.stderr)
        return EXIT_ERROR


def message_for(error: BaseException) -> str:
    """A Swedish sentence for `error`, naming what the user can check."""
    from sqlalchemy import exc as sa

    from app.common.errors import ServiceError

    if isinstance(error, ServiceError):
        return str(error)
    if isinstance(error, OSError) and not isinstance(error, sa.SQLAlchemyError):
        return _os_message(error)
    if isinstance(error, sa.NoSuchModuleError | sa.ArgumentError):
        return (
            "Databasadressen går inte att förstå. Skriv den som sqlite:///sökväg/till/fil.sqlite3 "
            "eller postgresql://användare@server/databas."
        )
    if isinstance(error, sa.OperationalError | sa.InterfaceError):
        return _database_message(error)
    if isinstance(error, sa.DBAPIError):
        return (
            "Databasen kunde inte utföra kommandot. Kontrollera värdena och försök igen, eller "
            f"kör med {DEBUG_VARIABLE}=1 för detaljer."
        )
    if isinstance(error, OverflowError):
        return "Ett tal är för stort. Ange ett mindre värde."
    if isinstance(error, MemoryError):
        return "Minnet räckte inte till. Begränsa urvalet och försök igen."
    if isinstance(error, UnicodeError):
        return "Texten innehåller tecken som inte kan läsas eller skrivas (teckenkodning)."
    return (
        f"Ett oväntat fel inträffade ({type(error).__name__}). Kör kommandot igen med "
        f"{DEBUG_VARIABLE}=1 för detaljer och kontakta systemförvaltaren."
    )


def _os_message(error: OSError) -> str:
    reason = _OS_REASONS.get(error.errno or 0) or (error.strerror or "okänt fel")
    if error.filename is not None:
        return f"Filen {os.fsdecode(error.filename)} kunde inte användas: {reason}."
    return f"Ett fel i filsystemet eller nätverket: {reason}."


def _database_message(error: Exception) -> str:
    """Unreachable, refused login, or the kind of failure app.db.failure reads from the
    driver's codes (a SQLite file that cannot be opened, locked, full, damaged); the driver's
    text is never shown (it may hold the address with a password)."""
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None)
    text = str(original or error).lower()
    if state in _LOGIN_STATES or any(part in text for part in _LOGIN_TEXTS):
        return (
            "Inloggningen till databasservern misslyckades: fel användarnamn eller lösenord, "
            "eller så får användaren inte logga in där."
        )
    from app.db.failure import Failure, classify

    failure = classify(error)
    on_sqlite = isinstance(getattr(original, "sqlite_errorcode", None), int)
    if failure is Failure.READ_ONLY or (failure is Failure.CONNECTION_LOST and on_sqlite):
        return (
            "Databasfilen kan inte öppnas eller skrivas. Kontrollera att mappen finns och att "
            "du har behörighet att skriva i den."
        )
    if failure is Failure.LOCKED:
        return "Databasen är låst av ett annat program. Försök igen om en stund."
    if failure is Failure.DISK_FULL:
        return "Disken är full. Frigör utrymme och försök igen."
    if failure is Failure.CORRUPT:
        return "Databasfilen är skadad eller inte en databas. Kontakta systemförvaltaren."
    return (
        "Databasservern svarar inte. Kontrollera adressen och nätverket och försök igen om "
        "en stund."
    )
