"""The edge: API keys become short-lived internal JWTs; rate limits."""
