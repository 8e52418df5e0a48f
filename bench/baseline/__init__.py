"""The reference views a Wotum path is compared with, served by the same gunicorn."""
