"""Packaged data: the JSON Schemas of the manifest and of policy files.

Read through importlib.resources, so it works from a wheel, an editable install and
pre-commit's venv alike.
"""
