"""Liveness, readiness and the published contract."""
