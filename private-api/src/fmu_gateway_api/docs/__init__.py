"""Documentation served by the gateway itself: /docs (Swagger UI, no CDN) and a page per problem type."""
