"""Obligations models."""
