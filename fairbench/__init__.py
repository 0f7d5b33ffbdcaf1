"""fairbench: caste and religion bias evaluation for language models.

Run it as ``fairbench run --model smollm2-135m --tasks caste``, or from Python as
``fairbench.evaluate("smollm2-135m", "caste")`` (fairbench/api.py); see README.md.
"""

from fairbench.api import Results, evaluate

__version__ = "0.1.0"

__all__ = ["__version__", "Results", "evaluate"]
