"""The measuring half of `refpage-ci bench`: builds, boots and times; the pure half (cases, stats, tables, chart) is scripts.bench."""
