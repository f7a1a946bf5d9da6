"""The first step of launching the window, taken before PySide6 and pyqtgraph are imported.

The GUI process never collects cyclic garbage automatically: once the QApplication
exists, a timer on the GUI thread does (:class:`derivview.app._GuiThreadCollector`; an
automatic collection in another thread deadlocked on the GIL). Switching automatic
collection off here, before the imports, rather than once the application exists, spares
the launch the collections that importing PySide6 and pyqtgraph triggers: they create
~100,000 objects that live as long as the process, and the collector scanned them again
and again (~10 ms of PySide6's import and ~50 ms of pyqtgraph's, measured). The window's
build then freezes them (:func:`derivview.app._startup_gc`), and the timer collects what
is made afterwards.
"""

from __future__ import annotations

import gc


def begin_gui() -> None:
    """No automatic cyclic garbage collection in this process from now on (see above)."""
    gc.disable()
