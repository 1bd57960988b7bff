"""The report (report.html, written by every run) and the local web app (`crosstally serve`)."""
