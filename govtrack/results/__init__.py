"""Results frameworks of agreements: results, indicators, targets and verified actuals."""
