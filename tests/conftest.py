"""Test configuration: Qt runs headless, whatever the machine has."""

import os

# Set before pytest-qt creates the QApplication; a developer's DISPLAY must not matter.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
