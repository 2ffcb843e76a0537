"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary directory.

The tests start it themselves: ``initdb`` a new cluster, start it on a free loopback port
with its socket in the same directory, and remove it all at the end. PostgreSQL refuses to
run as root, and tests run as root in CI: then the cluster belongs to an unprivileged system
user (``nobody``) and every server command runs as that user through ``runuser``.

The binaries are looked for in ``$BILLING_CORE_PG_BINDIR``, then in
``/usr/lib/postgresql/<version>/bin`` (15 first, as on the project's machines), then on
``PATH``. Durability is switched off (``fsync``, ``full_page_writes``,
``synchronous_commit``): the data lives for one test run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import psycopg

PREFERRED_VERSION = "15"
SERVER_USER = "nobody"
START_ATTEMPTS = 3  # a free port can be taken by another process before the server binds it
SETTINGS = (
    "listen_addresses=127.0.0.1",
    "fsync=off",
    "full_page_writes=off",
    "synchronous_commit=off",
    "max_connections=100",
)


def find_bindir() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``, or ``None`` if there is no server here."""
    candidates: list[Path] = []
    if os.environ.get("BILLING_CORE_PG_BINDIR"):
        candidates.append(Path(os.environ["BILLING_CORE_PG_BINDIR"]))
    installed = Path("/usr/lib/postgresql")
    if installed.is_dir():
        versions = sorted(
            (p for p in installed.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name)
        )
        candidates += [installed / PREFERRED_VERSION / "bin"]
        candidates += [p / "bin" for p in versions]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Server:
    """A running cluster: connection strings, databases, and ``stop``."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="billing-core-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self.user: str | None = None
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            self.user = SERVER_USER
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._databases = 0

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command: Sequence[str] = [str(self.bindir / program), *args]
        if self.user is not None:
            runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
            command = [runuser or "runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no server log)"

    def start(self) -> None:
        """Create the cluster and start the server; RuntimeError with the reason if it fails."""
        made = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed ({made.returncode}): {made.stderr.strip()}")
        for _attempt in range(START_ATTEMPTS):
            self.port = _free_port()
            options = " ".join(
                [f"-p {self.port}", f"-k {self.root}", *(f"-c {s}" for s in SETTINGS)]
            )
            started = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start"
            )
            if started.returncode == 0:
                return
        raise RuntimeError(
            f"pg_ctl start failed ({started.returncode}): {started.stderr.strip()}\n"
            f"{self._log_tail()}"
        )

    def stop(self) -> None:
        """Stop the server at once and remove the cluster."""
        if self.data.is_dir():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def conninfo(self, dbname: str = "postgres") -> str:
        """A libpq connection string to ``dbname`` over loopback TCP."""
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def create_database(self) -> str:
        """A new empty database; its name."""
        self._databases += 1
        name = f"billing_{os.getpid()}_{self._databases}"
        with psycopg.connect(self.conninfo(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection still open to it."""
        with psycopg.connect(self.conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
