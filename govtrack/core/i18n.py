"""Languages: the user's setting, then the browser's, then the default; locale formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Context, Decimal, localcontext
from functools import lru_cache

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_login import current_user

from govtrack.core import clock, labels
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


# The date part of a time as people read it: the day in words, the month's name, no leading zero.
# Fixed rather than the locale's own "full" pattern, which in English puts the month first and in
# Indonesian pads the day ("05 Desember").
_WHEN_DATE = {"full": "EEEE, d MMMM y", "short": "d MMM y"}


@lru_cache(maxsize=16)
def _when_format(locale_name: str, style: str) -> tuple[Locale, str]:
    locale = Locale.parse(locale_name)
    # The hour in 24-hour form with the locale's own separator (09.00 in Indonesian, 09:00 in English).
    hour = str(locale.datetime_skeletons.get("Hm", "HH:mm"))
    return locale, f"{_WHEN_DATE.get(style, _WHEN_DATE['full'])}, {hour}"


def format_when(value: dt.datetime | None, style: str = "full") -> str:
    """A stored time as people read it, on the cooperative's wall clock with the zone's short name
    and no seconds: "Sabtu, 5 Desember 2026, 09.00 WIB", "Saturday, 5 December 2026, 09:00 WIB";
    `short` drops the weekday and shortens the month ("5 Des 2026, 09.00 WIB"). The one format of
    every page, export and message; a naive value is taken as UTC (what the database stores)."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    wall = clock.local(value)
    locale, pattern = _when_format(str(get_locale() or "id"), style)
    return f"{babel_format_datetime(wall, pattern, locale=locale)} {clock.abbreviation(wall)}"


def format_figure(value: Decimal | int | None) -> str:
    """A count or measure in the reader's language (1.250 and 87,5 in Indonesian), "—" for none."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.##")


def format_percent_of(value: Decimal | None) -> str:
    """A percentage given as its number (87.5 is 87,5 % in Indonesian) with one decimal, "—" for none."""
    if value is None:
        return "—"
    return format_percent(Decimal(value) / 100, format="#,##0.0%")


def format_period(start: dt.date, end: dt.date) -> str:
    """A period, short: "1 Jan – 31 Mar 2026" within a year (in the reader's language), else both dates."""
    if start.year == end.year:
        return f"{format_date(start, 'd MMM')} – {format_date(end, 'medium')}"
    return f"{format_date(start, 'medium')} – {format_date(end, 'medium')}"


def init_i18n(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["figure"] = format_figure
    app.jinja_env.filters["percent"] = format_percent_of
    app.jinja_env.globals["period"] = format_period
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else "—"
    app.jinja_env.filters["datetime"] = format_when
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else "—"  # 11.000 / 11,000
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["label"] = labels.label
    app.jinja_env.globals["labels"] = labels.labels
    app.jinja_env.filters["label"] = lambda code, table: labels.label(table, code)
