"""Simulations: admission, the job queue, results and KPIs."""
