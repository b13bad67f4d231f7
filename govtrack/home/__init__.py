"""The home page's reads: what needs each role's attention."""
