"""Benchmark runs: drive a target, collect timings and energy, normalise them into results."""
