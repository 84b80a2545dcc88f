"""Packaged data: the built-in policy pack, one rule per YAML file.

Read through importlib.resources, so it works from a wheel, an editable install and
pre-commit's venv alike.
"""
