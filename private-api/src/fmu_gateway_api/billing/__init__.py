"""Pricing, the credits ledger, Stripe checkout, webhooks and metered usage."""
