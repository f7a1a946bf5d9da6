"""The window's workspaces (see :mod:`derivview.ui.workspaces.base`). Register them here.

:data:`WORKSPACES` lists them in menu order; the first is shown at start. Each has its
View › Workspace action (``actionWorkspaceFx`` Ctrl+1, then Ctrl+2, Ctrl+3 for the
workspaces to come: ``actionWorkspaceFxy``, ``actionWorkspaceRegression``).
"""

from __future__ import annotations

from derivview.ui.regression.workspace import RegressionWorkspace
from derivview.ui.workspaces.base import DockSpec, Workspace
from derivview.ui.workspaces.fx import FxWorkspace
from derivview.ui.workspaces.fxy import FxyWorkspace

WORKSPACES: tuple[type[Workspace], ...] = (FxWorkspace, FxyWorkspace, RegressionWorkspace)

__all__ = ["WORKSPACES", "DockSpec", "Workspace"]
