"""A throwaway PostgreSQL server for one test session, when $ARENDESTOD_TEST_PG_URL is not set.

The programs (`initdb`, `pg_ctl`) come from, in this order:
1. $ARENDESTOD_TEST_PG_BIN, when set: that folder only (`none`: start no server);
2. the `pgserver` package of the dev group (a wheel with PostgreSQL 16, without pgaudit);
3. the distribution's, newest version first (/usr/lib/postgresql/*/bin), then `initdb` in PATH.
The first that starts is used. Only pgserver's programs are used, not its server handling:
as root that adds a system user and opens every parent folder of the data up for others.

`initdb` makes a cluster in a new folder, in memory (/dev/shm, when it has 1 GB free: a test
database is made in ~50 ms there, ~0.35 s on disk) or else the temp folder, with a superuser
`arendestod_test` (password authentication, as in CI), and `pg_ctl` starts it on 127.0.0.1,
on a free port, without a unix socket. fsync is off: the data is thrown away. pgaudit is
preloaded when the programs have it; the server's log is a file in the folder (the pgaudit
test reads it). `stop()` stops the server and deletes the folder; a folder left behind by a
test run that was killed (its process is gone) is deleted by the next run.

PostgreSQL does not run as root: as root the programs run as the user `postgres` when it
exists, otherwise `nobody`. That user must be able to run them: when it cannot reach them
(e.g. a virtual environment under /root), the installation folder is copied into the
server's folder first (pgserver's is relocatable, ~35 MB, ~0.2 s).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

BIN_VARIABLE = "ARENDESTOD_TEST_PG_BIN"
ROLE = PASSWORD = "arendestod_test"
FOLDER_PREFIX = "arendestod-test-server-"
EXE = ".exe" if sys.platform == "win32" else ""
SHM_NEEDED = 1 << 30  # bytes free on /dev/shm to put the server there (as .ci/postgres.sh)


class NoServer(Exception):
    """No server could be started here; the message says why (one line)."""


def program_folders() -> list[Path]:
    """Folders with `initdb` and `pg_ctl` to try, in order."""
    chosen = os.environ.get(BIN_VARIABLE, "").strip()
    if chosen:
        return [] if chosen.lower() == "none" else [Path(chosen)]
    folders: list[Path] = []
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.submodule_search_locations:
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    distribution = Path("/usr/lib/postgresql").glob("*/bin")
    folders += sorted(distribution, key=lambda p: _version(p.parent.name), reverse=True)
    initdb = shutil.which("initdb")
    if initdb is not None:
        folders.append(Path(initdb).parent)
    found: list[Path] = []
    for folder in folders:
        complete = all((folder / f"{name}{EXE}").is_file() for name in ("initdb", "pg_ctl"))
        if complete and folder.resolve() not in (f.resolve() for f in found):
            found.append(folder)
    return found


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


class StartedServer:
    """A server in a folder of its own: `start(programs)`, `url`, `log`, `stop()`."""

    def __init__(self) -> None:
        remove_abandoned_folders()
        self.user = _unprivileged_user()
        prefix = f"{FOLDER_PREFIX}{os.getpid()}-"
        self.folder = Path(tempfile.mkdtemp(prefix=prefix, dir=_parent_folders()[0]))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.bin: Path | None = None
        self.port = 0
        if self.user is not None:
            os.chown(self.folder, *self.user)

    @property
    def url(self) -> str:
        return f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:{self.port}/postgres"

    def start(self, programs: Path) -> None:
        """initdb and start with `programs`; NoServer when either fails."""
        programs = programs.absolute()  # they run in the server's folder
        self.bin = programs
        password = self.folder / "password"
        password.write_text(PASSWORD + "\n", encoding="utf-8")
        if self.user is not None:
            os.chown(password, *self.user)
        initdb = [
            "-D", str(self.data), "-U", ROLE, f"--pwfile={password}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-sync",
        ]  # fmt: skip
        try:
            self._run("initdb", initdb)
        except PermissionError:
            if self.user is None:
                raise
            self.bin = self._copy_for_user(programs)
            self._run("initdb", initdb)
        finally:
            password.unlink(missing_ok=True)
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "log_line_prefix": "'%m [%p] %q%u@%d '",  # as Debian's: the pgaudit test wants %u
        }
        if self.has_pgaudit():
            settings["shared_preload_libraries"] = "'pgaudit'"
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# tests/pg_start.py\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        for attempt in range(3):  # another program may take the free port first
            self.port = _free_port()
            start = ["-D", str(self.data), "-l", str(self.log), "-w", "-t", "60"]
            try:
                self._run("pg_ctl", [*start, "-o", f"-p {self.port}", "start"])
                return
            except NoServer:
                if attempt == 2 or "already in use" not in self._log_tail():
                    raise

    def has_pgaudit(self) -> bool:
        assert self.bin is not None
        library = f"pgaudit{'.dll' if EXE else '.so'}"
        lib = self.bin.parent / "lib"
        return (lib / library).exists() or (lib / "postgresql" / library).exists()

    def stop(self) -> None:
        """Stop the server (if it runs) and delete its folder."""
        if self.bin is not None and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(NoServer, OSError, subprocess.TimeoutExpired):
                self._run("pg_ctl", ["-D", str(self.data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, arguments: list[str]) -> str:
        """Run one of the programs as the server's user; its output, or NoServer."""
        assert self.bin is not None
        command = [str(self.bin / f"{program}{EXE}"), *arguments]
        user = {}
        if self.user is not None:
            user = {"user": self.user[0], "group": self.user[1], "extra_groups": []}
        # output to a file, not a pipe: the server that pg_ctl starts must not hold it open
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                timeout=120,
                check=False,
                **user,
            )
            output.seek(0)
            text = output.read()
        if result.returncode != 0:
            lines = [line for line in (text + "\n" + self._log_tail()).splitlines() if line]
            errors = [line for line in lines if "FATAL" in line or "error" in line.lower()]
            last = (errors or lines or [f"kod {result.returncode}"])[-1]
            raise NoServer(f"{program}: {last.strip()}")
        return text

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def _copy_for_user(self, programs: Path) -> Path:
        """The installation (the folder above bin) copied where the server's user reaches it.
        pgserver's programs find their libraries in ../../../pgserver.libs (the wheel's
        RPATH): the copy keeps the installation's place below that folder."""
        assert self.user is not None
        installation = programs.parent
        top = installation.parent.parent
        copy = self.folder / "install"
        shutil.copytree(installation, copy / installation.relative_to(top), symlinks=True)
        if (top / "pgserver.libs").is_dir():
            shutil.copytree(top / "pgserver.libs", copy / "pgserver.libs", symlinks=True)
        for path in (copy, *copy.rglob("*")):
            os.chown(path, *self.user, follow_symlinks=False)
        return copy / installation.relative_to(top) / programs.name


def start_server() -> StartedServer:
    """A started server from the first folder of programs that works, or NoServer with
    what was tried."""
    folders = program_folders()
    if not folders:
        if os.environ.get(BIN_VARIABLE, "").strip():
            raise NoServer(f"{BIN_VARIABLE}={os.environ[BIN_VARIABLE].strip()}")
        raise NoServer(
            "hittade inga PostgreSQL-program (pgserver, /usr/lib/postgresql/*/bin, initdb i PATH)"
        )
    failures: list[str] = []
    for folder in folders:
        server = StartedServer()
        try:
            server.start(folder)
            return server
        except (NoServer, OSError, subprocess.TimeoutExpired) as error:
            failures.append(f"{folder}: {error}")
            server.stop()
    raise NoServer("; ".join(failures))


def _unprivileged_user() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when this is root, else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise NoServer("körs som root och hittar varken användaren postgres eller nobody")


def _parent_folders() -> list[Path]:
    """Where the server's folder may go, best first: /dev/shm when it has room."""
    folders = [Path(tempfile.gettempdir())]
    memory = Path("/dev/shm")
    if memory.is_dir() and os.access(memory, os.W_OK | os.X_OK):
        if shutil.disk_usage(memory).free >= SHM_NEEDED:
            return [memory, *folders]
        folders.append(memory)  # for abandoned folders
    return folders


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def remove_abandoned_folders() -> None:
    """Delete the folders of killed test runs (the process in the name is gone). Their server
    notices its postmaster.pid is gone within a minute and shuts down by itself."""
    for folder in (f for parent in _parent_folders() for f in parent.glob(f"{FOLDER_PREFIX}*")):
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # no cheap check: leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
