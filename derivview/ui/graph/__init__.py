"""The graph dock: f's computational graph, the forward pass and the backward pass.

- :mod:`.panel`: the dock (buttons, the explanation of each step, the result);
- :mod:`.scene`: the drawing (``graphView``): nodes, edges, their numbers.

The graph and the walk are Qt-free: :mod:`derivview.model.expr.graph`,
:mod:`derivview.model.labs.backprop`.
"""
