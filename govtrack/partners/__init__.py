"""Partners: governments, funders, financial institutions, construction partners."""
