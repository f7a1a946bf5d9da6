"""Test configuration: Qt runs headless, and no test touches the user's settings."""

import os

import pytest

# Set before pytest-qt creates the QApplication; a developer's DISPLAY must not matter.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory, monkeypatch):
    """Point derivview's settings (QSettings, recent files) at a fresh folder per test."""
    monkeypatch.setenv("DERIVVIEW_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def small_disk():
    """A 64 kB file system that fills up (a tmpfs; skipped where it cannot be mounted)."""
    from fileio_support import small_disk_mounted

    with small_disk_mounted() as folder:
        yield folder
