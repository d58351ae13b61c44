"""The tests' throwaway PostgreSQL server: a clear failure without PostgreSQL, nothing left behind after."""

from __future__ import annotations

import socket

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
