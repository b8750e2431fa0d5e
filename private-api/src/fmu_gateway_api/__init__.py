"""FMU Gateway API: the hosted FMI simulation service."""

__version__ = "0.1.0"
