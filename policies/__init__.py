"""Packaged data: the built-in policy pack, one rule per YAML file (read via importlib.resources)."""
