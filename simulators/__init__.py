"""Simulators of the systems eprok talks to, run as separate processes for the demo and the tests."""
