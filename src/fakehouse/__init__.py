"""fakehouse: realistic synthetic analytics warehouses, from a laptop sample to a cluster."""

__version__ = "0.1.0"
