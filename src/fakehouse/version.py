"""The package version, in a module of its own: what records a warehouse's provenance imports
it without importing the package's API (which would make a cycle)."""

__version__ = "0.1.0"
