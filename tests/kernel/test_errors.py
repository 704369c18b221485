"""Every exception the kernel defines sits under one root, ``SMWorldError``, as errors.py draws it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import smworld.kernel as kernel
from smworld.kernel import errors
from smworld.kernel.errors import SMWorldError


def kernel_exceptions() -> dict[str, type[BaseException]]:
    """Each exception class defined in a module of ``smworld.kernel``, by qualified name."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(kernel.__path__, f"{kernel.__name__}."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_kernel_exception_derives_from_the_root() -> None:
    found = kernel_exceptions()
    assert "smworld.kernel.prose.TemplateError" in found  # the walk reaches modules outside errors.py
    strays = sorted(name for name, cls in found.items() if not issubclass(cls, SMWorldError))
    assert strays == [], f"derive these from smworld.kernel.errors.SMWorldError: {strays}"


def test_the_drawn_hierarchy_names_every_kernel_exception() -> None:
    drawn = errors.__doc__ or ""
    missing = sorted(name for name, cls in kernel_exceptions().items() if cls.__name__ not in drawn)
    assert missing == [], f"add these to the hierarchy in smworld/kernel/errors.py's docstring: {missing}"
