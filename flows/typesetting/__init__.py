"""HTML -> PDF: the only place that imports WeasyPrint or pikepdf (report.py is the entry)."""
