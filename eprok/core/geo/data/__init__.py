"""Data files of eprok.core.geo (a package so that setuptools ships az_regions.json)."""
