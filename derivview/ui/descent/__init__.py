"""The descent's views: its controls, its table, its Play clock and its plot layer.

- :mod:`.controls`: method, η, β, start, steps, Step/Play/Reset, stability, status;
- :mod:`.table`: the iterate table and the loss plot (a dock of their own);
- :mod:`.play`: the Play scheduler (a clock that steps the runs);
- :mod:`.layer`: the trajectory on the main plot;
- :mod:`.loss_plot`: loss per iteration.

The state and the maths are Qt-free: :mod:`derivview.model.descent`.
"""
