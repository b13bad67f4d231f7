"""Agreements (perjanjian kerja sama), their parties, clauses, documents and lifecycle."""
