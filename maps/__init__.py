"""GeoDataFrame -> one self-contained Leaflet HTML page with layers and a time filter."""
