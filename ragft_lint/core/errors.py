"""Failures: the exceptions ragft-lint raises.

A problem *in a manifest* is a `Finding` (data, exit 1). These exceptions are for the
cases where ragft-lint cannot do its job: a bad manifest file while it is being read
(turned into a finding by the engine), or a broken setup (configuration, policy pack,
command line), which the CLI turns into one message and exit code 2.
"""

from __future__ import annotations


class RagftError(Exception):
    """Base of every exception ragft-lint raises on purpose."""


class ManifestError(RagftError):
    """A manifest file cannot be read as a manifest; becomes a finding, never a crash."""

    def __init__(self, message: str, *, line: int = 1, column: int = 1,
                 rule: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.rule = rule  # None: the file is not valid YAML (rule RFT002)


class SetupError(RagftError):
    """The user's setup is wrong (configuration, policy file, paths): exit code 2.

    `where` names the file (and line) at fault, so the message always says where to look.
    """

    def __init__(self, message: str, *, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ConfigError(SetupError):
    """A configuration file or command-line option is wrong."""


class PolicyError(SetupError):
    """A policy file is malformed or clashes with another."""
