"""Demo data: core."""


def load(ctx: dict) -> None:
    """Nothing yet."""
