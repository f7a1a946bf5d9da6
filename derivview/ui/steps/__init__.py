"""The derivation dock and what it points at.

- :mod:`.panel`: the dock (``stepsView``): f′ derived rule by rule, typeset;
- :mod:`.lines`, :mod:`.delegate`: one line of the derivation, and how it is painted;
- :mod:`.simplifier`: sympy simplifies each result in the worker process;
- :mod:`.layer`: the step pointed at, drawn faintly on the plot;
- :mod:`.editor_link`: the step pointed at, selected in the editor.

The derivation itself is Qt-free: :mod:`derivview.model.labs.steps`.
"""
