"""The WSGI entry point for servers: `gunicorn govtrack.wsgi:app`."""

from __future__ import annotations

import gc

from govtrack import create_app

app = create_app()

# What start-up creates (the app, the mappers, the templates, the translations: some 200,000
# objects) lives as long as the worker. Freezing it keeps the garbage collector's full collections,
# which otherwise walk all of it, from adding tens of milliseconds to an unlucky request.
gc.freeze()
