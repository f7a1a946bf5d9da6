"""The learning labs' mathematics, Qt-free: numerical differences, deep chains, regression."""
