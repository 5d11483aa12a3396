"""fakehouse: realistic synthetic analytics warehouses, from a laptop sample to a cluster.

import fakehouse
fakehouse.generate("retail", multiplier=2.0, seed=42, out="warehouse")
"""

from fakehouse.api import RetailGenerator, generate

__version__ = "0.1.0"
__all__ = ["RetailGenerator", "__version__", "generate"]
