"""Demo data: forums."""


def load(ctx: dict) -> None:
    """Nothing yet."""
