"""Model resolution and loading: an alias, a .gguf file, a local HF directory, an HF id, or an
lm-eval backend string -> an lm-eval LM."""

from fairbench.models.registry import ALIASES, ModelSpec, load_lm, resolve_model

__all__ = ["ALIASES", "ModelSpec", "load_lm", "resolve_model"]
