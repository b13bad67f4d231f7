"""The forums' fixtures (members, forums, meetings) for the notices tests."""

from tests.forums.conftest import make_forum, make_meeting, make_members, make_motion  # noqa: F401
