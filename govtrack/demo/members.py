"""Demo data: members."""


def load(ctx: dict) -> None:
    """Nothing yet."""
