"""derivview: see derivatives — tangent, slope, curvature and gradient descent, live."""

from derivview import pyside_scan

__version__ = "0.1.0"

pyside_scan.install()
