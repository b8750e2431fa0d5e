"""Completion callbacks: the final status of a simulation or a sweep, POSTed signed to its callback_url."""
