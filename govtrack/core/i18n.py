"""Languages: the user's setting, then the browser's, then the default; locale formatting."""

from __future__ import annotations

from decimal import Context, Decimal, localcontext

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from govtrack.core import labels
from govtrack.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def format_money(amount: Decimal | int | None, currency: str = "IDR") -> str:
    """Rp 1.500.000 in Indonesian, IDR 1,500,000 in English; other currencies with their code.
    Never raises: whatever a column or a sum holds is shown (the money columns hold at most
    999999999999999.99, and a sum of them stays far inside the 40 digits given here)."""
    if amount is None:
        return "—"
    try:
        amount = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    if not amount.is_finite():
        return "—"
    locale = str(get_locale() or "id")
    with localcontext(Context(prec=40)):
        if amount.adjusted() >= 38:
            number = f"{amount:E}"  # no column holds it; a plain number beats an error page
        else:
            places = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
            number = format_decimal(amount, format=places)
    if currency == "IDR":
        return f"Rp {number}" if locale.startswith("id") else f"IDR {number}"
    return f"{currency} {number}"


def init_i18n(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else "—"
    app.jinja_env.filters["datetime"] = lambda d, fmt="medium": format_datetime(d, fmt) if d else "—"
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["label"] = labels.label
    app.jinja_env.globals["labels"] = labels.labels
    app.jinja_env.filters["label"] = lambda code, table: labels.label(table, code)
