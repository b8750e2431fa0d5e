"""Building blocks with no domain logic."""
