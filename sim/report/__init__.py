"""Reports: summary tables now; HTML, charts and the Excel workbook come with the reporting issue."""
