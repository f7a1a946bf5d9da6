"""derivview: see derivatives — tangent, slope, curvature and gradient descent, live."""

__version__ = "0.1.0"
