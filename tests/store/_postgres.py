"""A throwaway PostgreSQL server for the test session: ``initdb`` and ``pg_ctl`` in a temporary folder.

It listens on 127.0.0.1 on a free port (its unix socket stays in the folder too), runs as the
``postgres`` user when the tests run as root (PostgreSQL refuses to run as root), trusts local
connections, and is stopped and deleted at the end. For tests durability is off (``fsync=off``):
the data is thrown away anyway, and tests must not wait on the disk; benchmarks ask for
PostgreSQL's durable defaults (``durable=True``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SUPERUSER = "postgres"
INSTALL_HINT = ("PostgreSQL is not installed: the tests need its server programs (initdb, pg_ctl). "
                "Run scripts/test as root (it installs Debian's `postgresql` package) or "
                "`apt-get install postgresql`.")


def find_bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on PATH, else Debian's /usr/lib/postgresql/<ver>/bin (newest)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(os.path.realpath(on_path)).parent
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
             if Path(p).with_name("initdb").exists()]
    found.sort(key=lambda d: float(d.parent.name) if d.parent.name.replace(".", "").isdigit() else 0.0)
    return found[-1] if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One server: :meth:`url` of a database on it, :meth:`create_database` for a fresh one."""

    def __init__(self, bin_dir: Path, folder: Path, durable: bool = False) -> None:
        self.bin_dir = bin_dir
        self.durable = durable
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        self._databases = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        # In the server's folder: the postgres user may not be allowed into the checkout (/root/...).
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}):\n"
                               f"{result.stdout}{result.stderr}{tail}")

    def start(self) -> None:
        if self._as_postgres:
            try:
                entry = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise RuntimeError(f"the tests run as root, and PostgreSQL refuses to: they run it as the "
                                   f"user {SUPERUSER}, which does not exist here") from None
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        for attempt in range(3):
            # PostgreSQL needs its port up front (it names its socket after it): a free one, which another
            # process may take before the server binds it; then try again on another.
            options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=300"
            if not self.durable:
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                          "-o", options, "start")
                return
            except RuntimeError as exc:
                if attempt == 2 or "could not bind" not in str(exc):
                    raise
                self.port = free_port()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self) -> str:
        """A new empty database on this server; its URL."""
        self._databases += 1
        name = f"test_{os.getpid()}_{self._databases}"
        result = subprocess.run([str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                                 "-U", SUPERUSER, "-T", "template0", name],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"createdb failed: {result.stderr}")
        return self.url(name)


FOLDER_PREFIX = "marhaba-pg-"
OWNER_FILE = "owner.pid"
"""In each server's folder: the id of the process that started it (the test session or a benchmark)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_abandoned_servers(bin_dir: Path) -> list[Path]:
    """Stop and delete the servers of sessions that died without stopping theirs (a SIGKILL, a power cut);
    the folders it cleared. A live session's server is left alone."""
    cleared = []
    for folder in Path(tempfile.gettempdir()).glob(FOLDER_PREFIX + "*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # being created right now, or not ours
        if _alive(owner):
            continue
        with contextlib.suppress(RuntimeError, OSError, subprocess.TimeoutExpired):
            PostgresServer(bin_dir, folder).stop()
        shutil.rmtree(folder, ignore_errors=True)
        cleared.append(folder)
    return cleared


@contextlib.contextmanager
def postgres_server(durable: bool = False) -> Iterator[PostgresServer]:
    """Start a server for the session (a clear error when PostgreSQL is missing), stop and delete it after.

    It listens on a free port of 127.0.0.1 in a new temporary folder, so a server left running by a
    killed session never blocks this one; such a server is stopped first (:func:`stop_abandoned_servers`).
    """
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError(INSTALL_HINT)
    stop_abandoned_servers(bin_dir)
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    (folder / OWNER_FILE).write_text(str(os.getpid()))
    server = PostgresServer(bin_dir, folder, durable)
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
