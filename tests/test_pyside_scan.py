"""PySide6's import hook reads the source of every module imported after it; derivview's
own modules are recorded without that read (derivview.pyside_scan), others as before."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import PySide6.QtCore
    import derivview  # installs the finder

    feature = sys.modules["shibokensupport.feature"]
    scanned = []
    scan = feature._mod_uses_pyside
    feature._mod_uses_pyside = lambda module: (scanned.append(module.__name__), scan(module))[1]
    import derivview.ui.plot_style  # Qt-using, not imported yet
    import derivview.model.formatting  # Qt-free
    import colorsys  # another package's (the standard library's)
    table = feature.pyside_feature_dict
    print(json.dumps({
        "scanned": scanned,
        "plot_style": table.get("derivview.ui.plot_style"),
        "formatting": table.get("derivview.model.formatting"),
        "colorsys": table.get("colorsys"),
    }))
    """
)


def test_derivview_modules_are_recorded_without_reading_their_source() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    derivview_scanned = [name for name in seen["scanned"] if name.startswith("derivview")]
    assert derivview_scanned == []
    # What PySide6 records for a module that uses it and selects no feature.
    assert seen["plot_style"] == 0 and seen["formatting"] == 0
    # Other modules are still scanned (colorsys does not use PySide6: -1, "ignore").
    assert "colorsys" in seen["scanned"] and seen["colorsys"] == -1
