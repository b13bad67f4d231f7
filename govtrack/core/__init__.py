"""Helpers shared by every area: web form plumbing, pagination, money."""
