"""Benchmarks: ``python -m benches`` prints ours vs a named peer, as ratios measured in one run."""
