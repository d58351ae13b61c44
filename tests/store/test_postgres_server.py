"""The tests' throwaway PostgreSQL server: a clear failure without PostgreSQL, nothing left behind after."""

from __future__ import annotations

import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

import tests.store._postgres as helper


def test_without_the_server_programs_it_fails_saying_how_to_install_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "find_bin_dir", lambda: None)
    with pytest.raises(RuntimeError, match=r"PostgreSQL is not installed.*apt-get install postgresql"), \
            helper.postgres_server():
        pass


def test_the_server_listens_on_localhost_only_while_in_use_and_leaves_no_files() -> None:
    with helper.postgres_server() as server:
        folder = server.folder
        with socket.create_connection(("127.0.0.1", server.port), timeout=5):
            pass
        assert list(folder.glob(".s.PGSQL.*")), "its unix socket is in its own folder"
    assert not folder.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass


def test_a_server_left_by_a_killed_session_is_stopped_and_removed_by_the_next() -> None:
    bin_dir = helper.find_bin_dir()
    assert bin_dir is not None
    dead = subprocess.Popen(["true"])
    dead.wait()
    folder = Path(tempfile.mkdtemp(prefix=helper.FOLDER_PREFIX))
    (folder / helper.OWNER_FILE).write_text(str(dead.pid))  # its session is gone, its server runs on
    abandoned = helper.PostgresServer(bin_dir, folder)
    abandoned.start()
    with socket.create_connection(("127.0.0.1", abandoned.port), timeout=5):
        pass
    with helper.postgres_server() as server:  # the next session: not blocked, and it cleans up
        assert server.port != abandoned.port and server.folder.exists()
        assert not folder.exists()
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", abandoned.port), timeout=5):
            pass
