"""govtrack: the partnership governance tracker of a member-owned cooperative."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from flask import Flask

# Each area is a package with views.py (a blueprint `bp`) and, optionally, api.py (a flask-smorest
# blueprint `blp`). The order is the order of registration.
AREAS = [
    "core", "auth", "audit", "partners", "agreements", "members", "results", "centres", "surveys", "forums", "obligations",
    "network", "portal", "reports", "search",
]

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """The application factory. Nothing here changes the schema: migrations do that.

    The factory imports what it wires inside its body, as Flask's tutorial does: importing one
    module of the package (a migration, a benchmark, `govtrack.db`) must not load every area."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from govtrack.config import load_config

    instance = Path(test_config.get("INSTANCE_PATH", app.instance_path)) if test_config else Path(app.instance_path)
    app.config.update(load_config(instance, test_config))

    from govtrack.core.logs import configure_logging

    configure_logging(app)

    import govtrack.models  # noqa: F401  (all tables on the metadata)
    from govtrack import extensions as ext

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"))
    ext.csrf.init_app(app)
    ext.limiter.init_app(app)

    from govtrack.core.i18n import init_i18n

    init_i18n(app)

    with app.app_context():
        from govtrack.sqlite import configure_sqlite

        configure_sqlite(ext.db.engine)

    from govtrack.web import security

    security.init_security(app)

    from govtrack.api import init_api

    api = init_api(app)
    for area in AREAS:
        views = importlib.import_module(f"govtrack.{area}.views")
        app.register_blueprint(views.bp)
        try:
            api_module = importlib.import_module(f"govtrack.{area}.api")
        except ModuleNotFoundError as err:
            if err.name != f"govtrack.{area}.api":
                raise
        else:
            api.register_blueprint(api_module.blp)

    from govtrack.agreements.services import agreement_updated
    from govtrack.obligations.services import follow_agreement

    agreement_updated.connect(follow_agreement)  # blinker keeps one connection per receiver

    from govtrack.core.errors import register_error_handlers

    register_error_handlers(app)

    from govtrack.cli import register_cli

    register_cli(app)
    logging.getLogger(__name__).debug("govtrack app created")
    return app
