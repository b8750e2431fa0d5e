"""Endpoints for the service's own components (runner tasks), not for API clients."""
