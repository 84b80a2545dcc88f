"""Packaged data: the JSON Schemas of the manifest and of policy files (read via importlib.resources)."""
