"""The ``derivview`` subcommands: ``info``, ``descend``, ``export``, ``steps``, ``graph``.

Each module exposes ``run(argv: list[str]) -> int`` and builds its own parser with
:class:`derivview.commands.common.ArgumentParser`.
"""
