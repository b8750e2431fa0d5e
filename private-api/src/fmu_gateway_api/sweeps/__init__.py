"""Sweeps: many simulations of one model, quoted, admitted and paid as one, gathered into one table."""
