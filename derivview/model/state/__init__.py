"""The session's state, declared once: fields (rules), parts, the registry, command lines.

- :mod:`.fields`: :class:`~.fields.Field` and the kinds of values (numbers, ranges, …);
- :mod:`.part`: :class:`~.part.StatePart` (and :class:`~.part.SettingsPart` for labs);
- :mod:`.core`: the function, the view, the shown items, the secant;
- :mod:`.registry`: the list of parts every saver and loader loops over;
- :mod:`.options`: command-line options made from the parts.
"""
