"""Forums models."""
