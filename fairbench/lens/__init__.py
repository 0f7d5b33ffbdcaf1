"""BiasLens: concept-representation bias (CAVs and sparse autoencoders) without test sets.

See docs/lens.md. Heavy imports (torch, transformers, sklearn, sae_lens) happen inside the
functions that need them.
"""

from fairbench.lens.cli import add_parser, format_one, score_one
from fairbench.lens.concepts import LENS_TASKS, concept, load_battery, load_concepts, load_neutral, parse_refs
from fairbench.lens.run import is_lens_task, run_lens_tasks
from fairbench.lens.score import Lens, bias, build_space, cosine, sae_concept, score_triple

__all__ = [
    "LENS_TASKS", "Lens", "add_parser", "bias", "build_space", "concept", "cosine", "format_one",
    "is_lens_task", "load_battery", "load_concepts", "load_neutral", "parse_refs", "run_lens_tasks",
    "sae_concept", "score_one", "score_triple",
]
