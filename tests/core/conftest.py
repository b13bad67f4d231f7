"""The forums' and obligations' fixtures, for the tests here that look at those areas' pages."""

from tests.forums.conftest import (  # noqa: F401  (fixtures, used by name)
    close,
    make_forum,
    make_meeting,
    make_members,
    make_motion,
    vote,
)
from tests.obligations.conftest import make_obligation, setting, today  # noqa: F401  (fixtures)
