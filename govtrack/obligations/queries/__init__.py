"""Reads for obligations. Every status is computed from `today`, passed in by the caller (views
pass date.today()); nothing here reads the clock.

One module per part: `occurrences` (statuses, filters, the lists), `dashboard`, `obligations`
(the API's unit, and the summaries of an agreement's published page), `scorecard` (a partner's),
`maturity` (the maturity wall) and `feeds` (calendar feeds and reminders); callers use them
through this package.
"""

from govtrack.obligations.queries.dashboard import (
    DASHBOARD_DAYS,
    DASHBOARD_ROWS,
    DASHBOARD_TABLES,
    GROUP_KINDS,
    GROUP_ROWS,
    Dashboard,
    Group,
    dashboard,
)
from govtrack.obligations.queries.feeds import digest_items, feed_for_token, feed_of_user, feed_rows
from govtrack.obligations.queries.maturity import Month, maturity_wall
from govtrack.obligations.queries.obligations import (
    ObligationSummary,
    get_evidence,
    load_obligation,
    load_occurrence,
    load_payment,
    obligation_filter,
    obligation_page,
    obligation_statuses,
    partner_choices,
    published_obligations,
    user_choices,
)
from govtrack.obligations.queries.occurrences import (
    NAMED_PARTNERS_LISTED,
    OPEN,
    ROW_COLUMNS,
    Filters,
    Row,
    due_soon_days,
    export_rows,
    occurrence_page,
    overdue_page,
    partner_named,
    status_condition,
    status_of,
)
from govtrack.obligations.queries.scorecard import Side, partner_scorecard
from govtrack.obligations.queries.tranches import (
    CLAIMABLE,
    LATE,
    WAITING,
    Tranche,
    TrancheRow,
    open_tranches,
    tranches,
)

__all__ = [
    "CLAIMABLE", "LATE", "WAITING", "Tranche", "TrancheRow", "open_tranches", "tranches",
    "DASHBOARD_DAYS",
    "DASHBOARD_ROWS",
    "DASHBOARD_TABLES",
    "GROUP_KINDS",
    "GROUP_ROWS",
    "NAMED_PARTNERS_LISTED",
    "OPEN",
    "ROW_COLUMNS",
    "Dashboard",
    "Filters",
    "Group",
    "Month",
    "ObligationSummary",
    "Row",
    "Side",
    "dashboard",
    "digest_items",
    "due_soon_days",
    "export_rows",
    "feed_for_token",
    "feed_of_user",
    "feed_rows",
    "get_evidence",
    "load_obligation",
    "load_occurrence",
    "load_payment",
    "maturity_wall",
    "obligation_filter",
    "obligation_page",
    "obligation_statuses",
    "occurrence_page",
    "overdue_page",
    "partner_choices",
    "partner_named",
    "partner_scorecard",
    "published_obligations",
    "status_condition",
    "status_of",
    "user_choices",
]
