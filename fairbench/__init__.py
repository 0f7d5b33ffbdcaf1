"""fairbench: caste and religion bias evaluation for language models.

Run it as ``fairbench run --model smollm2-135m --tasks caste``; see README.md.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
