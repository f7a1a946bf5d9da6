"""Qt views over the model's session."""
