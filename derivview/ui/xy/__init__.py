"""The f(x, y) workspace's views (Ctrl+2): contours and heat map of f(x, y), a point with
its gradient, level line and slices, and descent in two dimensions. The workspace itself
is :mod:`derivview.ui.workspaces.fxy`."""
