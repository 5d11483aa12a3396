"""fakehouse: realistic synthetic analytics warehouses, from a laptop sample to a cluster.

    import fakehouse
    fakehouse.generate("retail", multiplier=2.0, seed=42, out="warehouse")

The API is imported on first use, so the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakehouse.version import __version__

__all__ = ["RetailGenerator", "__version__", "estimate", "generate"]

if TYPE_CHECKING:
    from fakehouse.api import RetailGenerator, estimate, generate


def __getattr__(name: str) -> Any:
    if name in ("generate", "estimate", "RetailGenerator"):
        from fakehouse import api

        return getattr(api, name)
    raise AttributeError(f"module 'fakehouse' has no attribute {name!r}")
