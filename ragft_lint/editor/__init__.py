"""The editor layer: the language server and fixes."""
