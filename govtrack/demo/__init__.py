"""Demo data: a believable cooperative with fictional Indonesian names."""

from __future__ import annotations

import importlib

# Each loader module has load(ctx) and adds to the shared context dict; order matters.
LOADERS = [
    "govtrack.demo.core",
    "govtrack.demo.members",
    "govtrack.demo.forums",
    "govtrack.demo.centres",
    "govtrack.demo.surveys",
    "govtrack.demo.obligations",
    "govtrack.demo.results",
]


def load_demo() -> list[tuple[str, str, str]]:
    """Load every area's demo data; returns (role, email, password) logins."""
    ctx: dict = {"logins": []}
    for name in LOADERS:
        importlib.import_module(name).load(ctx)
    return ctx["logins"]
