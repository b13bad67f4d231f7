"""Search everything from the header, through the database's own full-text index."""
