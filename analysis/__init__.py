"""Flippable analysis library: sources -> normalized warehouse -> model. Never imports streamlit."""
