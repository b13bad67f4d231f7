"""Every area's models, imported so that metadata (and Alembic) sees all tables."""

from govtrack.agreements import models as agreements  # noqa: F401
from govtrack.audit import models as audit  # noqa: F401
from govtrack.auth import models as auth  # noqa: F401
from govtrack.centres import models as centres  # noqa: F401
from govtrack.core import ratelimit, versions  # noqa: F401  (ratelimit: its table, its storage scheme)
from govtrack.forums import models as forums  # noqa: F401
from govtrack.members import models as members  # noqa: F401
from govtrack.notices import models as notices  # noqa: F401
from govtrack.obligations import models as obligations  # noqa: F401
from govtrack.partners import models as partners  # noqa: F401
from govtrack.reports import models as reports  # noqa: F401
from govtrack.results import models as results  # noqa: F401
from govtrack.surveys import models as surveys  # noqa: F401
