"""Helpers for tests and benchmarks (not part of the app or the library)."""
