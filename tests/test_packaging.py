"""The desktop integration files are well-formed and agree with each other."""

import configparser
import fnmatch
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"


def test_desktop_entry_launches_derivview_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "derivview.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "derivview"
    assert section["Icon"] == "derivview"
    assert "Education" in section["Categories"].split(";")


def test_appstream_metainfo_names_the_desktop_file():
    root = ET.parse(PACKAGING / "io.github.derivview.derivview.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.github.derivview.derivview"
    assert root.findtext("launchable") == "derivview.desktop"
    assert root.find("description") is not None
    assert root.findtext("provides/binary") == "derivview"


def test_icon_set_has_every_hicolor_size():
    for n in (16, 24, 32, 48, 64, 128, 256, 512):
        png = PACKAGING / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "derivview.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
    assert (PACKAGING / "icons" / "hicolor" / "scalable" / "apps" / "derivview.svg").exists()


def _validator(name: str) -> str:
    path = shutil.which(name)
    if path is None:  # .ci/run installs them (apt-get install desktop-file-utils appstream)
        pytest.skip(f"{name} is not installed")
    return path


def test_desktop_entry_passes_desktop_file_validate():
    proc = subprocess.run(
        [_validator("desktop-file-validate"), str(PACKAGING / "derivview.desktop")],
        capture_output=True, text=True, timeout=60,
    )
    # Not only no error: no warning or hint either (several main categories is a hint).
    assert proc.returncode == 0 and not (proc.stdout + proc.stderr).strip(), proc.stdout


def test_metainfo_passes_appstreamcli_validate_pedantic():
    proc = subprocess.run(
        [_validator("appstreamcli"), "validate", "--pedantic", "--strict", "--no-net",
         str(PACKAGING / "io.github.derivview.derivview.metainfo.xml")],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # --pedantic reports pedantic issues without failing: there must be none.
    assert "P:" not in proc.stdout and "I:" not in proc.stdout, proc.stdout


def test_desktop_entry_and_metainfo_agree_on_categories():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "derivview.desktop", encoding="utf-8")
    desktop = [c for c in entry["Desktop Entry"]["Categories"].split(";") if c]
    root = ET.parse(PACKAGING / "io.github.derivview.derivview.metainfo.xml").getroot()
    assert [c.text for c in root.iter("category")] == desktop


def test_mime_type_matches_the_session_files_and_the_desktop_entry():
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(PACKAGING / "derivview-session.xml").getroot().find("m:mime-type", ns)
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "derivview.desktop", encoding="utf-8")
    assert mime.get("type") in entry["Desktop Entry"]["MimeType"].split(";")
    glob = mime.find("m:glob", ns).get("pattern")
    sessions = list((PACKAGING.parent / "resources" / "sessions").iterdir())
    assert sessions and all(fnmatch.fnmatch(p.name, glob) for p in sessions)


def test_executable_icons_for_windows_and_macos():
    ico = (PACKAGING / "icons" / "derivview.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00"  # ICONDIR, type 1 = icon
    icns = (PACKAGING / "icons" / "derivview.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
