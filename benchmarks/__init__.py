"""Performance benchmarks on a large fictional database (see benchmarks/README.md).

Run with `uv run python -m benchmarks`; nothing here is part of the application or test suite.
"""
