"""Load tests of the timeline API at 1k, 10k and 100k events: `python -m bench` (make bench)."""
