"""The model library: FMUs built from our own C sources, simulated by id with no upload."""
