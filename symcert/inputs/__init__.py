"""Readers of user input: activations (command-line syntax), datasets (CSV / JSON), losses."""
