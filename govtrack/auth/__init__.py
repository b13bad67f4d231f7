"""Users, roles, permissions, sign-in and API tokens."""
