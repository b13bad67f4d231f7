"""A recurrence rule in words, in both languages: every kind of rule the app accepts reads as a
sentence, never as its RRULE text."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale

from govtrack.obligations import recurrence
from govtrack.obligations.rule_words import describe_rule

MARCH_10 = dt.date(2026, 3, 10)  # a Tuesday

CASES = [
    # rule, start, Indonesian, English
    ("FREQ=MONTHLY;BYMONTHDAY=10", MARCH_10, "Setiap bulan, tanggal 10", "Every month, on day 10"),
    ("RRULE:freq=monthly;bymonthday=10", MARCH_10, "Setiap bulan, tanggal 10", "Every month, on day 10"),
    ("FREQ=MONTHLY", MARCH_10, "Setiap bulan, tanggal 10", "Every month, on day 10"),
    ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", MARCH_10, "Setiap 3 bulan, tanggal 15",
     "Every 3 months, on day 15"),
    ("FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1", MARCH_10,
     "Setiap bulan, tanggal 31, atau hari terakhir bulan bila bulannya lebih pendek",
     "Every month, on day 31, or the last day of a shorter month"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", MARCH_10, "Setiap bulan, tanggal 1 dan 15", "Every month, on days 1 and 15"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", MARCH_10, "Setiap bulan, pada hari terakhir bulan",
     "Every month, on the last day of the month"),
    ("FREQ=MONTHLY;BYDAY=2MO", MARCH_10, "Setiap bulan, pada hari Senin kedua", "Every month, on the second Monday"),
    ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=12", MARCH_10, "Setiap bulan, pada hari Jumat terakhir, 12 kali",
     "Every month, on the last Friday, 12 times"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", MARCH_10,
     "Setiap bulan, pada hari Senin, Selasa, Rabu, Kamis, dan Jumat, hanya tanggal pertama dari tanggal-tanggal itu",
     "Every month, on Monday, Tuesday, Wednesday, Thursday, and Friday, only the first of those dates"),
    ("FREQ=WEEKLY;BYDAY=MO,TH", MARCH_10, "Setiap minggu, pada hari Senin dan Kamis",
     "Every week, on Monday and Thursday"),
    ("FREQ=WEEKLY", MARCH_10, "Setiap minggu, pada hari Selasa", "Every week, on Tuesday"),
    ("FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231", MARCH_10, "Setiap 2 minggu, pada hari Selasa, sampai 31 Desember 2026",
     "Every 2 weeks, on Tuesday, until December 31, 2026"),
    ("FREQ=DAILY", MARCH_10, "Setiap hari", "Every day"),
    ("FREQ=DAILY;INTERVAL=10;COUNT=1", MARCH_10, "Setiap 10 hari, sekali", "Every 10 days, once"),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=10", MARCH_10, "Setiap tahun, tanggal 10 Maret", "Every year, on March 10"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", MARCH_10, "Setiap tahun, tanggal 29 Februari",
     "Every year, on February 29"),
    ("FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=10", MARCH_10, "Setiap tahun, pada bulan Maret dan September, tanggal 10",
     "Every year, in March and September, on day 10"),
    ("FREQ=YEARLY", MARCH_10, "Setiap tahun, tanggal 10 Maret", "Every year, on March 10"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1", MARCH_10,
     "Setiap tahun, pada bulan Februari, tanggal 29, atau hari terakhir bulan bila bulannya lebih pendek",
     "Every year, in February, on day 29, or the last day of a shorter month"),
    ("FREQ=YEARLY;BYYEARDAY=100", MARCH_10, "Setiap tahun, pada hari ke-100 dalam tahun",
     "Every year, on day 100 of the year"),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", MARCH_10, "Setiap tahun, pada hari Senin, pada minggu ke-20 dalam tahun",
     "Every year, on Monday, in week 20 of the year"),
    ("FREQ=YEARLY;BYDAY=20MO", MARCH_10, "Setiap tahun, pada hari Senin ke-20 dalam tahun",
     "Every year, on the number 20 Monday of the year"),
]


@pytest.mark.parametrize(("rule", "start", "indonesian", "english"), CASES, ids=[c[0] for c in CASES])
def test_a_rule_reads_as_words_in_both_languages(app, rule, start, indonesian, english):
    recurrence.parse_rule(rule, start)  # a rule the app accepts
    with app.test_request_context():
        with force_locale("id"):
            assert describe_rule(rule, start) == indonesian
        with force_locale("en"):
            assert describe_rule(rule, start) == english


@pytest.mark.parametrize("pattern", recurrence.PATTERNS)
def test_every_schedule_the_builder_makes_reads_without_rule_text(app, pattern):
    for day in (1, 15, 28, 29, 31):
        rule = recurrence.build_rule(pattern, dt.date(2026, 1, day), day=day, count=12)
        with app.test_request_context(), force_locale("id"):
            words = describe_rule(rule, dt.date(2026, 1, day))
        assert words.startswith("Setiap ") and "12 kali" in words
        assert "=" not in words and "FREQ" not in words and "BY" not in words


def test_no_rule_and_text_that_is_no_rule(app):
    with app.test_request_context(), force_locale("id"):
        assert describe_rule(None) == ""
        assert describe_rule("not a rule") == "not a rule"
        assert describe_rule("FREQ=HOURLY") == "FREQ=HOURLY"
