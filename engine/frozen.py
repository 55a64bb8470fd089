"""A quicker way to build a frozen dataclass whose instances a batch run makes by the thousand.

A frozen dataclass refuses `obj.field = value`, so the `__init__` it generates sets
each field through `object.__setattr__`: a call through a slot wrapper per field,
about six hundred machine instructions each on CPython 3.11, which made building
events a tenth of a Monte Carlo run's cost. `quick(cls)` keeps everything a frozen
dataclass is (its fields, `replace`, equality, hashing, `repr`, pickling, and the
FrozenInstanceError on assignment) and builds instances another way: the fields are
stored on an instance of a mutable twin class of the same memory layout (plain,
specialised attribute stores), which then becomes an instance of the frozen class by
one `__class__` assignment. The twin never escapes the constructor.

Only slotted frozen dataclasses qualify (`@dataclass(frozen=True, slots=True)`): the
twin must share the class's layout, and a class with an instance dict would be built
no faster.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["constructor", "quick"]

_T = TypeVar("_T", bound=type)
_C = TypeVar("_C")


class _Factory:
    """The default of a field with a `default_factory`: a fresh value per instance."""
    __slots__ = ()


_FACTORY = _Factory()
# The names the generated constructor uses besides the fields.
_RESERVED = frozenset(("cls", "self", "_cls", "_twin", "_new", "_FACTORY", "_plain"))
_LOCAL = re.compile(r"_[df]\d+")


def quick(cls: _T) -> _T:
    """Give a frozen, slotted dataclass the quick constructor (see the module's docstring).

    A subclass of a quick class must be made quick itself (the event registry does so)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__ or cls.__dictoffset__:
        raise TypeError(f"{cls.__name__}: quick() takes a frozen dataclass with slots")
    fields = list(dataclasses.fields(cls))
    initvar = getattr(dataclasses, "_FIELD_INITVAR", None)
    if (not all(f.init for f in fields) or any(getattr(f, "_field_type", None) is initvar
                                               for f in cls.__dict__["__dataclass_fields__"].values())
            or any(f.name in _RESERVED or _LOCAL.fullmatch(f.name) for f in fields)):
        raise TypeError(f"{cls.__name__}: quick() takes no init=False field, no InitVar, and no field named "
                        f"{', '.join(sorted(_RESERVED))} or _d<n>, _f<n>")
    if len({f.kw_only for f in fields}) > 1:
        raise TypeError(f"{cls.__name__}: quick() takes every field keyword-only, or none")
    twin = type(cls.__name__, (cls,), {"__slots__": (), "__setattr__": object.__setattr__,
                                       "__delattr__": object.__delattr__, "__module__": cls.__module__})
    cls.__new__ = _constructor(cls, twin, fields)  # type: ignore[method-assign]
    # The instance is complete when __new__ returns it; object.__init__ accepts and ignores the
    # arguments when a class has its own __new__.
    cls.__init__ = object.__init__  # type: ignore[misc]
    cls.__reduce__ = _reduce  # type: ignore[method-assign,assignment]
    return cls


def constructor(cls: type[_C]) -> Callable[..., _C]:
    """The constructor `quick` gave `cls`, to call as `constructor(cls)(cls, ...)` with what `cls(...)`
    takes: the same instance, without the class call around it (type.__call__ hands the arguments
    to `__new__` through a new tuple, then to `object.__init__`, which checks them again: about a
    third of a build on CPython 3.11). For the few classes a batch run builds by the hundred."""
    new = cls.__dict__.get("__new__")
    made = new.__func__ if isinstance(new, staticmethod) else None
    if getattr(made, "__quick__", None) is not cls:
        raise TypeError(f"{cls.__name__}: constructor() takes a class quick() made")
    return made  # type: ignore[return-value]


def _constructor(cls: type, twin: type, fields: list[dataclasses.Field[Any]]) -> Any:
    """`__new__(cls, <the fields, as the dataclass's __init__ takes them>)`, written out."""
    env: dict[str, Any] = {"_cls": cls, "_twin": twin, "_new": object.__new__, "_FACTORY": _FACTORY,
                           "_plain": _plain}
    params, defaults = [], []
    for i, f in enumerate(fields):
        if f.default is not dataclasses.MISSING:
            env[f"_d{i}"] = f.default
            params.append(f"{f.name}=_d{i}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_f{i}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            defaults.append(f"    if {f.name} is _FACTORY: {f.name} = _f{i}()")
        else:
            params.append(f.name)
    star = "*, " if fields and fields[0].kw_only else ""
    source = "\n".join([
        f"def __new__(cls, {star}{', '.join(params)}):",
        *defaults,
        "    if cls is not _cls:",  # a subclass that is not quick itself: the ordinary way
        f"        return _plain(cls, {{{', '.join(f'{f.name!r}: {f.name}' for f in fields)}}})",
        "    self = _new(_twin)",
        *(f"    self.{f.name} = {f.name}" for f in fields),
        "    self.__class__ = _cls",
        *(["    self.__post_init__()"] if hasattr(cls, "__post_init__") else []),
        "    return self",
    ])
    exec(source, env)  # code written from the dataclass's own field names, as dataclasses does
    new = env["__new__"]
    new.__qualname__ = f"{cls.__qualname__}.__new__"
    new.__quick__ = cls  # the class it builds (`constructor`)
    return staticmethod(new)


def _plain(cls: type, values: dict[str, Any]) -> Any:
    self: Any = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(self, name, value)
    return self


def _reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle and copy through the constructor (`__new__` needs the fields)."""
    cls = type(self)
    return _rebuild, (cls, tuple((f.name, getattr(self, f.name)) for f in dataclasses.fields(cls)))


def _rebuild(cls: type, items: tuple[tuple[str, Any], ...]) -> Any:
    return cls(**dict(items))
