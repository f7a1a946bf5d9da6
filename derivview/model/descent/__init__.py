"""Gradient descent in the window: its settings, runs, stability bounds and words. Qt-free.

- :mod:`.config`: the settings' fields and :class:`~.config.DescentConfig` (method, η, β),
  the one rule every caller checks them by;
- :mod:`.state`: the descent panel's state (settings and the runs being stepped);
- :mod:`.stability`: the local stability bounds of gradient descent and momentum;
- :mod:`.text`: what the table, the status line and a CSV file say;
- :mod:`.part`: the state part (session files, command-line options).

The optimizers themselves are :mod:`derivview.model.optimizers`.
"""
