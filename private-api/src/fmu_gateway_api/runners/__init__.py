"""Runner backends: one sandbox per simulation. No HTTP here."""
