"""Demo data: obligations."""


def load(ctx: dict) -> None:
    """Nothing yet."""
