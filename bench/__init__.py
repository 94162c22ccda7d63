"""Benchmarks: ``python -m bench`` runs the suite; ``python bench/drop_latency.py`` measures drop-to-repaint alone."""
