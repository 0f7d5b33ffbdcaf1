"""Text-to-image distribution bias through fairbench's own adapter (lm-eval has no image
generation): generate with diffusers, caption with BLIP, check misses with CLIP, and score into
the same results JSON as every other task (format ``t2i``). See docs/t2i.md.
"""

from fairbench.t2i.cli import DEFAULT_CAPTIONER, DEFAULT_CLIP, T2IOptions, add_parser, read_captions, resolve_diffusers, run_model, score_captions
from fairbench.t2i.generate import caption, generate, load_captioner, load_clip, load_pipeline, miss_check
from fairbench.t2i.prompts import TASKS, load_prompts, resolve_tasks

__all__ = [
    "TASKS", "load_prompts", "resolve_tasks", "generate", "caption", "miss_check", "load_pipeline",
    "load_captioner", "load_clip", "run_model", "score_captions", "read_captions", "resolve_diffusers",
    "add_parser", "T2IOptions", "DEFAULT_CAPTIONER", "DEFAULT_CLIP",
]
