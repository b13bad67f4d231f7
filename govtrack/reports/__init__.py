"""The funder's report: one agreement over one period, on a page, as a workbook and in the API."""
