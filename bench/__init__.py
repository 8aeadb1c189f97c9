"""The benchmark harness: `eprok bench` (see docs/benchmarks.md).

Seeds a fresh database at a scale factor, starts a production server, drives each scenario with
concurrent clients and prints one table per scenario, each figure next to a baseline measured in
the same run. Later modules add their scenarios to `bench.scenarios.REGISTRY` and their data to
`bench.seeding.SEEDERS`.
"""
