"""Files in and out: CSV, calendar (.ics) and HTML, written atomically."""
