"""Screenshots of the residents' pages for the README (run ``python -m docs.screenshots``)."""
