"""Rembug pusat (centres): their pages and API (the records are the roster's: members.models), and
the centres' positions on the clauses of agreements under deliberation."""
