"""Offline place-name resolution against a bundled gazetteer (GeoNames, CC BY 4.0, plus curated rows)."""
