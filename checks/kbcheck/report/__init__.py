"""Reporters: turn a run's results into text, JSON and other formats."""
