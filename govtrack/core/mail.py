"""Sending one e-mail through the configured SMTP server (GOVTRACK_SMTP_*): the one transport of
the reminders digest and the notices outbox."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

# What a failed send raises: a refused connection or timeout (OSError) or an SMTP answer.
SEND_ERRORS = (OSError, smtplib.SMTPException)


def send(msg: EmailMessage) -> None:
    """Deliver `msg` to the SMTP server; raises one of SEND_ERRORS when it cannot."""
    cfg = current_app.config
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30) as smtp:
        if cfg.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if cfg.get("SMTP_USER"):
            smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
        smtp.send_message(msg)
