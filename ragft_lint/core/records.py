"""`record`: a dataclass whose methods are not compiled at every start of the process.

`@dataclass` writes the source of each method it generates (`__init__`, `__repr__`,
`__eq__`, `__hash__`) and compiles it with `exec()` when the class is created, which is at
every start: 2.5-6M instructions a class, about 60M for the classes a `check` imports,
more than a sixth of a one-manifest run. `@record` makes the same class (a dataclass:
`dataclasses.fields` and `dataclasses.replace` work; mypy reads it as one, frozen or not)
and gives it those methods as closures over its fields, which cost nothing to compile.

For classes built a few times per run (settings, sessions, policies). A class made for
every manifest or finding writes its `__init__` out in its body, which `record` keeps, as
@dataclass keeps any method the class defines (core/finding.py writes out its `__eq__`
and `__hash__` too).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:  # typing has it from Python 3.11; ragft-lint runs on 3.10 too
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Any:
        return lambda function: function

_T = TypeVar("_T")


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, frozen: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field,))
def record(cls: type[_T] | None = None, /, *, frozen: bool = False) -> Any:
    """`@dataclass` or `@dataclass(frozen=True)`, with the same `__init__`, `__repr__`,
    `__eq__` and `__hash__`, none of them compiled from source."""

    def make(cls: type[_T]) -> type[_T]:
        # frozen=False here: @dataclass(frozen=True) would compile __setattr__ and
        # __delattr__ too; _add_methods gives the class its own that refuse as they do.
        made = dataclasses.dataclass(cls, init=False, repr=False, eq=False)
        _add_methods(made, frozen)
        return made

    return make if cls is None else make(cls)


def _add_methods(cls: type, frozen: bool) -> None:
    fields = dataclasses.fields(cls)
    if any(not f.init or f.kw_only for f in fields):  # what the __init__ below cannot do
        raise TypeError(f"{cls.__qualname__}: @record takes init fields in order only")
    names = tuple(f.name for f in fields)
    compared = tuple(f.name for f in fields if f.compare)
    shown = tuple(f.name for f in fields if f.repr)
    defaults: dict[str, Any] = {f.name: f.default for f in fields
                                if f.default is not dataclasses.MISSING}
    factories: dict[str, Callable[[], Any]] = {
        f.name: f.default_factory for f in fields
        if f.default_factory is not dataclasses.MISSING}
    name = cls.__qualname__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(names):
            raise TypeError(f"{name}() takes {len(names)} positional arguments but "
                            f"{len(args)} were given")
        values = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key in values or key not in names:
                raise TypeError(f"{name}() got an unexpected or repeated argument {key!r}")
            values[key] = value
        for key in names:
            if key not in values:
                if key in defaults:
                    values[key] = defaults[key]
                elif key in factories:
                    values[key] = factories[key]()
                else:
                    raise TypeError(f"{name}() missing required argument: {key!r}")
        # Straight into the instance's dict, in field order: a frozen one refuses setattr.
        self.__dict__.update((key, values[key]) for key in names)

    def __repr__(self: Any) -> str:
        return (f"{type(self).__qualname__}("
                + ", ".join(f"{key}={getattr(self, key)!r}" for key in shown) + ")")

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (tuple(getattr(self, key) for key in compared)
                == tuple(getattr(other, key) for key in compared))

    def __hash__(self: Any) -> int:
        # Not mutated (the pragma): hash(None) still hashes equal records equal, only slower.
        return hash(tuple(getattr(self, key) for key in compared))  # pragma: no mutate

    # As @dataclass(frozen=True) refuses any assignment to an instance of the class itself
    # (no record is subclassed, so a subclass's own attributes need no exception here).
    def __setattr__(self: Any, key: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {key!r}")

    def __delattr__(self: Any, key: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {key!r}")

    # As @dataclass: a frozen class is hashable by its fields, any other is not hashable.
    methods: dict[str, Any] = {"__init__": __init__, "__repr__": __repr__, "__eq__": __eq__,
                               "__hash__": __hash__ if frozen else None}
    if frozen:
        methods.update(__setattr__=__setattr__, __delattr__=__delattr__)
    for method, function in methods.items():
        if method not in cls.__dict__:  # a method the class writes out stays, as there
            if function is not None:
                function.__qualname__ = f"{cls.__qualname__}.{method}"
            setattr(cls, method, function)
