"""Reports: the end-of-run summary, the HTML report and the Excel workbook (the only package that
imports matplotlib)."""
