"""The Qt-free model: parsing, calculus, sampling, optimizers and the session state."""
