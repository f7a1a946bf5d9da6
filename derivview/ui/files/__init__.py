"""The File menu and what the window remembers: sessions, window state, export.

- :mod:`.sessions`: open / save session files, recent files, unsaved changes, the title;
- :mod:`.window_state`: geometry, dock layouts, workspace and last session between launches;
- :mod:`.export_actions`: File › Export Plot… and Copy Plot.
"""
