"""The desktop integration files are well-formed and agree with each other."""

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

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
