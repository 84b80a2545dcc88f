"""Configuration: `.ragft-lint.toml` or `[tool.ragft-lint]` in `pyproject.toml`.

Finding the file, as ruff does, per manifest: from the manifest's folder up to the
repository root (the folder holding `.git`; the filesystem root outside a repository), the
first folder holding either file wins, so each service of a monorepo is checked with its own
configuration wherever the run starts. Configurations are not merged: the nearest one applies
whole, and inherits from another only by saying so (`extend = "path/to/base.toml"`). In one
folder `.ragft-lint.toml` wins over `pyproject.toml` (as ruff prefers `ruff.toml`): a
dedicated file is the stronger statement of intent. A `pyproject.toml` without a
`[tool.ragft-lint]` table is not a configuration and the walk goes on past it. `--config
PATH` names the file instead, for every manifest, and stops the search.

The file is checked against `schemas/config.schema.json`; rule ids and parameter names are
then checked against the rules actually loaded. Any mistake is a `ConfigError` naming the
file, the line where it can be found, and the key: a typo must never silently switch a check
off. Command-line options override the file, key by key.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import ConfigError
from ragft_lint.core.finding import Severity
from ragft_lint.core.records import record
from ragft_lint.core.rules import CORE_RULE_BY_ID
from ragft_lint.core.text import did_you_mean, show_value

if TYPE_CHECKING:
    from ragft_lint.core.engine import WaiverPolicy
    from ragft_lint.core.policy import PolicyPack

CONFIG_FILE = ".ragft-lint.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_SECTION = "tool.ragft-lint"
CONFIG_SCHEMA = "config.schema.json"
# Real configurations are two or three levels deep ([tool.ragft-lint.severity]).
MAX_CONFIG_DEPTH = 16

DEFAULT = "default"
COMMAND_LINE = "command line"


@record(frozen=True)
class ConfigFile:
    """A configuration file as read: its table and where it came from."""

    path: str
    data: dict[str, Any]
    text: str = ""
    section: str = ""  # "tool.ragft-lint" in pyproject.toml, "" for .ragft-lint.toml

    def where(self, key: str) -> str:
        """`path:line` of `key` (dotted, e.g. `severity.RFT401`), else of its nearest parent
        key that can be found (an inline table), else just the path."""
        parts = key.split(".")
        for depth in range(len(parts), 0, -1):
            line = _line_of(self.text, self.section, ".".join(parts[:depth]))
            if line:
                return f"{self.path}:{line}"
        return self.path

    def describe_key(self, key: str) -> str:
        return f"[{self.section}] {key}" if self.section else key


@record(frozen=True)
class Overrides:
    """Command-line options that override the configuration (None: not given)."""

    fail_on: str | None = None
    select: Sequence[str] | None = None
    ignore: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    policies: Sequence[str] = ()  # added to policy-paths, never replacing them
    entry_points: bool | None = None
    allow_empty: bool | None = None
    no_waivers: bool | None = None


@record
class Settings:
    """The effective configuration of one run, and where each value came from."""

    file: ConfigFile | None = None
    fail_on: Severity = Severity.ERROR
    select: tuple[str, ...] | None = None  # None: every rule
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)  # kebab-case, as written
    exclude: tuple[str, ...] = ()
    policy_paths: tuple[str, ...] = ()
    entry_points: bool = True
    # The gate's own safety (issue 9): an empty run passes only when allowed; waivers of
    # `unwaivable` rule prefixes are errors, none may run past `max-waiver-days`, and
    # `no-waivers` (--no-waivers) applies none.
    allow_empty: bool = False
    unwaivable: tuple[str, ...] = ()
    max_waiver_days: int | None = None
    no_waivers: bool = False
    source_by_key: dict[str, str] = field(default_factory=dict)
    # The files read, nearest first, then each one it extends (`extend`), by path.
    files: dict[str, ConfigFile] = field(default_factory=dict)

    @property
    def root(self) -> str | None:
        """The folder of the configuration file that applies (its `exclude` globs are
        relative to it), or None when no file does."""
        return os.path.dirname(os.path.abspath(self.file.path)) if self.file else None

    def source(self, key: str) -> str:
        """Where `key`'s value came from: a file's path, `command line` or `default`.

        A table entry (`params.min-labeled-examples`) falls back to its table's source.
        """
        found = self.source_by_key.get(key)
        if found is None and "." in key:
            found = self.source_by_key.get(key.split(".", 1)[0])
        return found or DEFAULT

    def param_source(self, name: str) -> str:
        """Where policy parameter `name` (snake_case) was set: a file's path, `command
        line` or `default`."""
        return self.source("params." + name.replace("_", "-"))

    def error(self, key: str, message: str) -> ConfigError:
        """A ConfigError about `key`, naming the file (or the option) it came from."""
        source = self.source(key)
        config = self.files.get(source)
        if source == COMMAND_LINE or config is None:
            option = "--" + key.split(".", 1)[0]
            return ConfigError(f"{option}: {message}", where="command line")
        return ConfigError(f"{config.describe_key(key)}: {message}", where=config.where(key))

    # --- checks against the loaded rules ----------------------------------------------------

    def policy_params(self, pack: PolicyPack) -> dict[str, Any]:
        """`params` with snake_case names, each checked against the pack's declared params."""
        out: dict[str, Any] = {}
        for key, value in self.params.items():
            name = key.replace("-", "_")
            if name not in pack.defaults:
                known = sorted(n.replace("_", "-") for n in pack.defaults)
                raise self.error(f"params.{key}", "unknown policy parameter"
                                 + did_you_mean(key, known, quote=False)
                                 + f"; known: {', '.join(known) or 'none'}")
            default = pack.defaults[name]
            if isinstance(value, float) and not math.isfinite(value):
                # nan compares false with everything: a threshold of nan switches its
                # policies off without a word.
                raise self.error(f"params.{key}", f"{show_value(value)} is not a finite number; a "
                                 "policy parameter must be one")
            if _kind(value) != _kind(default):
                raise self.error(f"params.{key}", f"expected {_kind(default)} (the default is "
                                 f"{show_value(default)}), got {show_value(value)}")
            out[name] = value
        return out

    def disabled_rules(self, pack: PolicyPack) -> frozenset[str]:
        """Ids of the policy rules `select` and `ignore` switch off (ignore wins)."""
        policy_ids = list(pack.policy_by_id)
        known = [*CORE_RULE_BY_ID, *policy_ids]
        enabled = set(policy_ids)
        if self.select is not None:
            for selector in self.select:
                self._check_selector("select", selector, known)
            enabled = {rule for rule in policy_ids if _selected(rule, self.select)}
        for selector in self.ignore:
            self._check_selector("ignore", selector, known)
            if all(rule in CORE_RULE_BY_ID for rule in known if rule.startswith(selector)):
                raise self.error("ignore", f"{selector} names core rules only; core rules "
                                 "(RFT001-RFT008: unreadable files, invalid YAML, schema "
                                 "violations, waivers, needs not declared) cannot be "
                                 "ignored")
            enabled -= {rule for rule in policy_ids if rule.startswith(selector)}
        return frozenset(set(policy_ids) - enabled)

    def waiver_policy(self, pack: PolicyPack) -> WaiverPolicy:
        """What waivers may do in this run; every `unwaivable` prefix names a loaded rule."""
        from ragft_lint.core.engine import WaiverPolicy

        known = [*CORE_RULE_BY_ID, *pack.policy_by_id]
        for selector in self.unwaivable:
            self._check_selector("unwaivable", selector, known)
        return WaiverPolicy(self.unwaivable, self.max_waiver_days, self.no_waivers)

    def severity_by_rule(self, pack: PolicyPack) -> dict[str, Severity]:
        """Per-rule severity overrides, each naming a loaded policy rule."""
        for rule in self.severity:
            if rule in CORE_RULE_BY_ID:
                raise self.error(f"severity.{rule}", "core rules (RFT001-RFT008) keep their "
                                 "severity; only policy rules can be overridden")
            if rule not in pack.policy_by_id:
                raise self.error(f"severity.{rule}", "unknown rule id"
                                 + did_you_mean(rule, pack.policy_by_id, quote=False))
        return dict(self.severity)

    def _check_selector(self, key: str, selector: str, known: Sequence[str]) -> None:
        if not any(rule.startswith(selector) for rule in known):
            raise self.error(key, f"{show_value(selector)} matches no rule id"
                             + did_you_mean(selector, known, quote=False))


def _selected(rule: str, selectors: Iterable[str]) -> bool:
    return any(rule.startswith(selector) for selector in selectors)


# --- finding and reading the file ---------------------------------------------------------

def find_config_file(start: str | None = None,
                     cache: dict[str, str | None] | None = None) -> str | None:
    """The configuration file that applies in folder `start` (default: the working
    directory): the nearest one in it or above it, up to the repository root.

    `cache` (folder -> answer) is filled for every folder passed on the way up, so checking
    a monorepo costs a few `stat()` calls per folder, not per manifest and ancestor.
    """
    folder = os.path.abspath(start or os.getcwd())
    passed: list[str] = []
    found: str | None = None
    while True:
        if cache is not None and folder in cache:
            found = cache[folder]
            break
        passed.append(folder)
        dedicated = os.path.join(folder, CONFIG_FILE)
        if os.path.isfile(dedicated):
            found = dedicated
            break
        pyproject = os.path.join(folder, PYPROJECT)
        if os.path.isfile(pyproject) and _has_section(pyproject):
            found = pyproject
            break
        parent = os.path.dirname(folder)
        # The repository root ends the search: a configuration above it (a home folder's)
        # belongs to no project this run checks.
        if parent == folder or os.path.exists(os.path.join(folder, ".git")):
            break
        folder = parent
    if cache is not None:
        cache.update(dict.fromkeys(passed, found))
    return found


def _has_section(pyproject: str) -> bool:
    from ragft_lint.core.files import FileReadError, read_bytes

    try:
        text = read_bytes(pyproject, what="configuration file").decode("utf-8", "replace")
    except FileReadError:  # read_config_file says what is wrong with it
        return True
    # Most pyproject.toml files on the way up are not ours: a substring test spares parsing
    # them. The parse then decides, whichever TOML spelling the table uses.
    if "ragft-lint" not in text:
        return False
    try:
        document = _toml().loads(text)
    except Exception:  # broken TOML that mentions us: read_config_file reports it
        return True
    tool = document.get("tool")
    return isinstance(tool, dict) and "ragft-lint" in tool


def read_config_file(path: str) -> ConfigFile:
    """Parse and validate one configuration file; ConfigError names the file and key."""
    from ragft_lint.core.files import FileReadError, nesting_within, read_text

    try:  # the bounded reader: a FIFO, a device or a huge file is refused, never waited on
        text = read_text(path, what="configuration file")
    except FileReadError as exc:
        raise ConfigError(f"cannot read configuration file: {exc.message}", where=path) from None
    toml = _toml()
    try:
        document = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", where=path) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError("not valid TOML for ragft-lint: nested too deeply", where=path) from None
    except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
        raise ConfigError(f"not valid TOML for ragft-lint: {exc}", where=path) from None
    if not nesting_within(document, MAX_CONFIG_DEPTH):
        raise ConfigError(f"nested deeper than {MAX_CONFIG_DEPTH} levels; refused", where=path)
    if os.path.basename(path) == PYPROJECT:
        tool = document.get("tool")
        table = tool.get("ragft-lint") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(f"no [{PYPROJECT_SECTION}] table", where=path)
        config = ConfigFile(path, table, text, PYPROJECT_SECTION)
    else:
        config = ConfigFile(path, document, text)
    if not isinstance(config.data, dict):
        raise ConfigError(f"{PYPROJECT_SECTION} must be a table", where=path)
    _validate(config)
    return config


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib


def _validate(config: ConfigFile) -> None:
    from ragft_lint.core.resources import load_schema
    from ragft_lint.core.schema import compile_schema, describe

    validator = compile_schema(load_schema(CONFIG_SCHEMA))
    errors = sorted(validator.iter_errors(config.data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    pointer, message, _ = describe(error)[0]
    # List indexes are dropped: the line of the key is what a reader needs.
    key = ".".join(str(part) for part in error.absolute_path if not isinstance(part, int))
    if error.validator == "additionalProperties":
        key = pointer.split("/")[-1]
    elif "propertyNames" in error.relative_schema_path:
        # jsonschema reports a bad name as the instance, under its parent's path.
        name = str(error.instance)
        if key == "params":
            message = (f"params: {show_value(name)} is not kebab-case; write "
                       f"{show_value(name.replace('_', '-').lower())}")
        else:
            message = (f"{key}: {show_value(name)} is not a rule id (capital letters then digits, "
                       "e.g. RFT401)")
        key = f"{key}.{name}"
    elif error.validator == "pattern" and key.startswith(("select", "ignore", "unwaivable")):
        message = (f"{key.split('.')[0]}: {show_value(error.instance)} is not a rule id or prefix "
                   "(e.g. RFT401, RFT4)")
    prefix = f"[{config.section}] " if config.section else ""
    raise ConfigError(prefix + message, where=config.where(key))


# --- resolving ----------------------------------------------------------------------------

def resolve(config_path: str | None = None, overrides: Overrides = Overrides(),
            cwd: str | None = None) -> Settings:
    """The effective settings in `cwd` (default: the working directory): defaults, then the
    configuration file (`config_path`, else the one found from `cwd` up), then the options."""
    if config_path is not None and not os.path.lexists(config_path):
        raise ConfigError("configuration file does not exist", where=config_path)
    return settings_from(config_path or find_config_file(cwd), overrides, cwd)


def settings_from(path: str | None, overrides: Overrides = Overrides(),
                  cwd: str | None = None) -> Settings:
    """The effective settings from the configuration file at `path` (None: defaults only),
    every file it extends, and the command-line `overrides`."""
    settings = Settings()
    if path is not None:
        chain = read_config_chain(path)
        settings.file = chain[0]
        settings.files = {config.path: config for config in chain}
        for config in reversed(chain):  # the base first; each file overrides what it extends
            _apply_file(settings, config)
    _apply_overrides(settings, overrides, cwd)
    return settings


EXTEND = "extend"


def read_config_chain(path: str) -> list[ConfigFile]:
    """The file at `path`, then the file it extends, and so on: a cycle is a ConfigError
    naming every file in it."""
    _require_not_a_link_out(path)
    chain = [read_config_file(path)]
    seen = {os.path.realpath(path)}
    while EXTEND in chain[-1].data:
        config = chain[-1]
        given = config.data[EXTEND]
        base = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(config.path)),
                                             given))
        if os.path.realpath(base) in seen:
            cycle = " -> ".join([*(c.path for c in chain), base])
            raise ConfigError(f"{config.describe_key(EXTEND)}: extends form a cycle: {cycle}",
                              where=config.where(EXTEND))
        if not os.path.lexists(base):  # anything else there is refused by the reader
            raise ConfigError(f"{config.describe_key(EXTEND)}: {show_value(given)} does not exist "
                              f"(resolved to {base}; paths are relative to the configuration "
                              "file)", where=config.where(EXTEND))
        _require_inside_repository(config, EXTEND, given, base)
        seen.add(os.path.realpath(base))
        chain.append(read_config_file(base))
    return chain


def _apply_file(settings: Settings, config: ConfigFile) -> None:
    """Apply one file's keys over what `settings` holds: a list replaces the one before;
    a table (`severity`, `params`) is merged entry by entry, so a file that extends a
    team's defaults can change one parameter and keep the rest."""
    data, source = config.data, config.path
    folder = os.path.dirname(os.path.abspath(config.path))
    if "fail-on" in data:
        settings.fail_on = Severity(data["fail-on"])
    if "select" in data:
        settings.select = tuple(data["select"])
    if "ignore" in data:
        settings.ignore = tuple(data["ignore"])
    for table in ("severity", "params"):
        for key in data.get(table, ()):
            settings.source_by_key[f"{table}.{key}"] = source
    if "severity" in data:
        settings.severity.update({rule: Severity(s) for rule, s in data["severity"].items()})
    if "params" in data:
        settings.params.update(data["params"])
    if "exclude" in data:
        settings.exclude = tuple(data["exclude"])
    if "policy-paths" in data:
        settings.policy_paths = tuple(os.path.normpath(os.path.join(folder, p))
                                      for p in data["policy-paths"])
        for given, path in zip(data["policy-paths"], settings.policy_paths, strict=True):
            _require_inside_repository(config, "policy-paths", given, path)
            if not os.path.isdir(path):
                raise ConfigError(f"{config.describe_key('policy-paths')}: {show_value(given)} "
                                  f"is not a folder (resolved to {path}; paths are relative to the "
                                  "configuration file)", where=config.where("policy-paths"))
    if "entry-points" in data:
        settings.entry_points = bool(data["entry-points"])
    if "allow-empty" in data:
        settings.allow_empty = bool(data["allow-empty"])
    if "unwaivable" in data:
        settings.unwaivable = tuple(data["unwaivable"])
    if "max-waiver-days" in data:
        settings.max_waiver_days = int(data["max-waiver-days"])
    for key in data:
        if key not in ("params", "severity", EXTEND):
            settings.source_by_key[key] = source


def _require_not_a_link_out(path: str) -> None:
    """A configuration file written inside a checkout (found there, or named there) is the
    checkout's: a symbolic link out of it is refused as a manifest's is, not followed."""
    from ragft_lint.core.paths import link_out_of_checkout, refusal_outside

    root = link_out_of_checkout(path)
    if root is not None:
        raise ConfigError(f"cannot read configuration file: {refusal_outside(path, root)} "
                          "(name the real file with --config)", where=path)


def _require_inside_repository(config: ConfigFile, key: str, given: str, path: str) -> None:
    """A configuration inside the repository is repository content: on a pull request it is
    the author's, so the files it names (`policy-paths` and every file read from each, an
    `extend`-ed file) must stay inside the repository too, followed through links. One the
    operator keeps outside (`--config /tmp/base.toml`), or in a tree that is no checkout at
    all, may name files anywhere."""
    from ragft_lint.core.paths import is_inside, repository_of, written_inside
    from ragft_lint.core.policy import iter_folder_files

    root = repository_of(config.path)
    if root is None or not written_inside(config.path, root):
        return
    instead = "--policies" if key == "policy-paths" else "--config"
    shown_root = show_value(root, quote=False)
    if not is_inside(path, root):
        raise ConfigError(f"{config.describe_key(key)}: {show_value(given)} leads outside the "
                          f"repository ({shown_root}); a configuration in the repository may "
                          f"only name files inside it (name others with {instead})",
                          where=config.where(key))
    if key != "policy-paths" or not os.path.isdir(path):
        return
    # Each file the folder's loading reads is checked too: a committed `team/a.yaml` that
    # links to a file outside would be read, and its lines quoted in errors, in the CI log.
    for entry in iter_folder_files(path):
        if not is_inside(entry, root):
            raise ConfigError(f"{config.describe_key(key)}: {show_value(given)} holds "
                              f"{show_value(os.path.basename(entry))}, a symbolic link that "
                              f"leads outside the repository ({shown_root}); not followed "
                              f"(name other policies with {instead})",
                              where=config.where(key))


def _apply_overrides(settings: Settings, overrides: Overrides, cwd: str | None) -> None:
    given: dict[str, Any] = {
        "fail-on": overrides.fail_on, "select": overrides.select, "ignore": overrides.ignore,
        "exclude": overrides.exclude, "entry-points": overrides.entry_points,
        "allow-empty": overrides.allow_empty, "no-waivers": overrides.no_waivers,
    }
    for key, value in given.items():
        if value is None:
            continue
        settings.source_by_key[key] = COMMAND_LINE
        if key == "fail-on":
            settings.fail_on = Severity(value)
        elif key == "select":
            settings.select = _split_ids("select", value)
        elif key == "ignore":
            settings.ignore = _split_ids("ignore", value)
        elif key == "exclude":
            settings.exclude = tuple(value)
        elif key == "allow-empty":
            settings.allow_empty = bool(value)
        elif key == "no-waivers":
            settings.no_waivers = bool(value)
        else:
            settings.entry_points = bool(value)
    if overrides.policies:
        base = cwd or os.getcwd()
        settings.policy_paths += tuple(os.path.normpath(os.path.join(base, p))
                                       for p in overrides.policies)
        previous = settings.source_by_key.get("policy-paths")
        settings.source_by_key["policy-paths"] = (f"{previous} + {COMMAND_LINE}" if previous
                                                  else COMMAND_LINE)


def _split_ids(option: str, values: Sequence[str]) -> tuple[str, ...]:
    """`--select RFT4,RFT5 --select RFT7` → ("RFT4", "RFT5", "RFT7")."""
    ids = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    for rule in ids:
        if not re.fullmatch(r"[A-Z][A-Z0-9]*", rule):
            raise ConfigError(f"--{option}: {show_value(rule)} is not a rule id or prefix (e.g. "
                              "RFT401, RFT4)", where="command line")
    return ids


# --- showing ------------------------------------------------------------------------------

def render(settings: Settings, pack: PolicyPack, pack_sources: Sequence[tuple[str, int]] = (),
           cwd: str | None = None, target: str | None = None) -> str:
    """The effective configuration as TOML, each value commented with where it came from.

    `target` is the manifest or folder it applies to (None: the working directory). The
    output is itself a valid `.ragft-lint.toml`, so it can be saved as a starting point.
    """
    from ragft_lint.reporters.text import printable

    # Paths come from the checkout: a folder name holding a newline must not end a comment
    # and start a line of its own.
    lines = ["# ragft-lint effective configuration"]
    if target is not None:
        lines.append(f"# for: {printable(target)}")
    if settings.file is not None:
        lines.append(f"# configuration file: {printable(settings.file.path)}")
        for config in list(settings.files.values())[1:]:
            lines.append(f"# which extends: {printable(config.path)}")
    else:
        searched = os.path.abspath(cwd or ".") if target is None else os.path.abspath(target)
        lines.append(f"# configuration file: none (searched {printable(searched)} and its "
                     f"parents up to the repository root for {CONFIG_FILE} and {PYPROJECT} "
                     f"[{PYPROJECT_SECTION}])")
    for label, count in pack_sources:
        lines.append(f"# policies: {count} from {printable(label)}")

    def row(key: str, value: str, source_key: str | None = None, note: str = "") -> None:
        source = settings.source(source_key or key)
        lines.append(f"{key} = {value}  # {source}{note}")

    row("fail-on", _toml_value(settings.fail_on.value))
    if settings.select is None:
        lines.append(f"# select: every rule  # {settings.source('select')}")
    else:
        row("select", _toml_value(list(settings.select)))
    row("ignore", _toml_value(list(settings.ignore)))
    row("exclude", _toml_value(list(settings.exclude)))
    row("policy-paths", _toml_value(list(settings.policy_paths)))
    row("entry-points", _toml_value(settings.entry_points))
    disabled = settings.disabled_rules(pack)
    lines.append(f"# rules run: {len(pack.policies) - len(disabled)} of {len(pack.policies)} "
                 f"policy rules, plus the {len(CORE_RULE_BY_ID)} core rules")
    lines.append("")
    lines.append("[severity]")
    for rule, severity in sorted(settings.severity.items()):
        lines.append(f"{rule} = {_toml_value(severity.value)}  "
                     f"# {settings.source(f'severity.{rule}')}")
    lines.append("")
    lines.append("[params]")
    effective = {**pack.defaults, **settings.policy_params(pack)}
    for name in sorted(effective):
        key = name.replace("_", "-")
        users = ", ".join(p.id for p in pack.policies if name in p.params)
        row(key, _toml_value(effective[name]), f"params.{key}", f"; used by {users}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


# --- helpers ------------------------------------------------------------------------------

def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


def _line_of(text: str, section: str, key: str) -> int | None:
    """Best-effort line of a dotted key in TOML text (tomllib keeps no positions)."""
    if not text:
        return None
    parts = key.split(".")
    prefix = [section] if section else []
    lines = text.splitlines()
    # The key may be written in its own table ([tool.ragft-lint.severity] RFT401 = ...), as a
    # dotted key (severity.RFT401 = ...) or inline; try the most specific spelling first.
    for depth in range(len(parts) - 1, -1, -1):
        table = ".".join([*prefix, *parts[:depth]])
        header = _table_line(lines, table) if table else -1
        if header is None:
            continue
        pattern = re.compile(r"^\s*" + r"\s*\.\s*".join(
            rf"[\"']?{re.escape(p)}[\"']?" for p in parts[depth:]) + r"\s*=")
        for number in range(header + 1, len(lines)):
            if lines[number].lstrip().startswith("["):
                break
            if pattern.match(lines[number]):
                return number + 1
    whole = _table_line(lines, ".".join([*prefix, *parts]))
    return whole + 1 if whole is not None else None


def _table_line(lines: Sequence[str], table: str) -> int | None:
    pattern = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(
        rf"[\"']?{re.escape(p)}[\"']?" for p in table.split(".")) + r"\s*\]")
    for number, line in enumerate(lines):
        if pattern.match(line):
            return number
    return None

