"""Logging with the request id in every line; user input cannot forge a line."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, has_request_context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        # Escape line breaks in the rendered message so a value cannot start a fake log line.
        msg = record.getMessage()
        if "\n" in msg or "\r" in msg:
            record.msg = msg.replace("\r", "\\r").replace("\n", "\\n")
            record.args = None
        return True


class UTCFormatter(logging.Formatter):
    """Times in UTC, ISO 8601 with a Z (2027-03-15T09:00:00.250Z): comparable across hosts and
    with the audit log, whatever the server's zone."""

    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(UTCFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger("govtrack")
    if not any(isinstance(h.filters[0] if h.filters else None, RequestIdFilter) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = True
