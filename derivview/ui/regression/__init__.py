"""The linear-regression lab (Ctrl+3): its workspace, plots, panels and picture."""
