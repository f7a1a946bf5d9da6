"""The layers of the plots: each draws one thing (see :mod:`derivview.ui.layers.base`).

The f(x) plot's list is :data:`derivview.ui.layers.registry.FX_LAYERS`.
"""
