"""One reader module per public source. Each returns tidy DataFrames (see docs/CONTRACT.md)."""
