"""Spare derivview's own modules PySide6's source scan at import (~0.1 ms each).

Once PySide6 is imported, its import hook (``shibokensupport.feature.feature_imported``)
reads the source of every module imported after it (``inspect.getsource``) to find out
whether it uses PySide6, and records the answer in ``pyside_feature_dict`` (0: uses it,
with no ``__feature__`` selected; -1: ignore the module). The answer only matters to a
module that selects a feature (``from __feature__ import snake_case``); derivview selects
none, so every one of its modules behaves the same under 0 or -1. Recording 0 for them
before they are imported skips the scan: ~3–5 ms of the ~70 modules imported before the
window's first paint (measured). Other packages' modules are scanned as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

#: What PySide6 records for a module that uses it and selects no feature.
NO_FEATURE = 0


class _SkipScan:
    """A finder (``sys.meta_path``) that finds nothing: as a derivview module is looked
    for, it records it as scanned. (Not an ``importlib.abc.MetaPathFinder``: importing
    that module costs ~0.9 ms at launch; the import system asks only for ``find_spec``.)"""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if fullname.startswith("derivview."):
            feature = sys.modules.get("shibokensupport.feature")
            table = getattr(feature, "pyside_feature_dict", None)
            if isinstance(table, dict):
                table.setdefault(fullname, NO_FEATURE)
        return None  # the usual finders find the module


_installed = False


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once; PySide6 may come later)."""
    global _installed
    if not _installed:
        sys.meta_path.insert(0, _SkipScan())
        _installed = True
