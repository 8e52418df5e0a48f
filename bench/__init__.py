"""Benchmarks run by hand (see README.md); none of them is a timed test."""
