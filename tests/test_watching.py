"""`serve` watches the records' folder through inotify on a local file system, else polls."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.polling import PollingObserver

from statusgen import watching

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0
server:/export /mnt/share nfs4 rw,relatime 0 0
C:\\134 /mnt/c 9p rw,noatime 0 0
/dev/sdb1 /mnt/my\\040disk xfs rw 0 0
overlay /mnt/share/local overlay rw 0 0
fuse /mnt/stacked fuse.sshfs rw 0 0
/dev/sdc1 /mnt/stacked ext4 rw 0 0
"""


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/me/status/content", "ext4"),
    ("/dev/shm/site", "tmpfs"),
    ("/mnt/share/content", "nfs4"),
    ("/mnt/shared", "ext4"),  # not under /mnt/share: a prefix of its name is not a folder of it
    ("/mnt/share/local/content", "overlay"),  # the deepest mount point holding the path
    ("/mnt/c/Users/me/status", "9p"),
    ("/mnt/my disk/status", "xfs"),  # the table writes a space as \040
    ("/mnt/stacked/content", "ext4"),  # of two mounts at one point, the last is the one seen
])
def test_the_file_system_of_a_path_is_read_from_the_mount_table(path: str, expected: str) -> None:
    assert watching.file_system_type(Path(path), MOUNTS) == expected


def server_watching(folder: Path) -> LiveReloadServer:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(folder))
    server.watch(str(folder))
    server.watch(str(folder))  # watched twice (docs_dir and the records' folder may be one)
    return server


def wait_for_rebuild(server: LiveReloadServer, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server._want_rebuild:
            return True
        time.sleep(0.005)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_a_saved_record_is_seen_at_once_on_a_local_file_system(tmp_path: Path) -> None:
    assert watching.file_system_type(tmp_path) in watching.LOCAL_FILE_SYSTEMS, "this machine's temporary folder"
    (tmp_path / "incidents").mkdir()
    server = server_watching(tmp_path)
    native = watching.watch_natively(server, tmp_path)
    try:
        assert native is not None and native.is_alive()
        assert isinstance(server.observer, PollingObserver) and not server.observer.emitters, "no longer polled"
        assert server._watched_paths[str(tmp_path)] == 2
        assert server.build_delay == watching.NATIVE_BUILD_DELAY < 0.1, "changes come as they happen: less waiting for the last"
        (tmp_path / "incidents" / "old.md").write_text("---\ntitle: Old\n---\n", encoding="utf-8")
        time.sleep(0.2)
        server._want_rebuild = False
        # Reading is no change: a rebuild reads the records, and must not start another.
        assert (tmp_path / "incidents" / "old.md").read_bytes()
        list((tmp_path / "incidents").iterdir())
        time.sleep(0.2)
        assert not server._want_rebuild, "a read was taken for a change"
        started = time.monotonic()
        (tmp_path / "incidents" / "new.md").write_text("---\ntitle: New\n---\n", encoding="utf-8")
        # MkDocs' polling sees a change within its half-second interval at best.
        assert wait_for_rebuild(server, 0.4), "the save was not reported"
        assert time.monotonic() - started < 0.4
    finally:
        if native is not None:
            native.stop()


def test_a_network_folder_stays_with_mkdocs_polling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watching, "file_system_type", lambda path, mounts=None: "nfs4")
    server = server_watching(tmp_path)
    assert watching.watch_natively(server, tmp_path) is None
    assert isinstance(server.observer, PollingObserver) and len(server.observer.emitters) == 1
    assert server._watched_paths[str(tmp_path)] == 2
    assert server.build_delay == 0.1, "MkDocs' own wait, sized for polling"
