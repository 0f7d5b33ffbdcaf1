"""The Python API: ``fairbench.evaluate`` runs tasks on a model and returns its results.

``fairbench run`` and ``fairbench gate --candidate-model`` are this function with arguments
parsed from the command line; a script gets the same files and numbers:

    >>> import fairbench                                                    # doctest: +SKIP
    >>> res = fairbench.evaluate("smollm2-135m", "caste_pairs", limit=40)   # doctest: +SKIP
    >>> res.value("caste_pairs", "pct_stereotype_cond"), res.ci("caste_pairs", "pct_stereotype_cond")  # doctest: +SKIP
    (47.5, [30.560253778926512, 65.03532300629907])
    >>> res.path.name                                                       # doctest: +SKIP
    'smollm2-135m_20261202-063900.json'

Heavy imports (torch, transformers, lm-eval) happen inside the call, so ``import fairbench``
stays cheap.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from fairbench.errors import UserError
from fairbench.results import Results  # noqa: F401 (the API's return type: fairbench.Results)


def evaluate(
    model: str,
    tasks="caste",
    *,
    lang: str = "en",
    mitigation: str | None = None,
    limit: int | None = None,
    seed: int = 1234,
    batch_size: int = 32,
    device: str = "auto",
    dtype: str = "auto",
    threads: int | None = None,
    bootstrap_iters: int = 1000,
    samples: int = 1,
    temperature: float = 0.0,
    output: str | Path = "results",
    allow_download: bool = False,
    payload: str | None = None,
    draft_model: str | None = None,
    verifier_model: str | None = None,
    ci_level: float = 0.95,
    form: str = "auto",
) -> Results:
    """Evaluate ``model`` (alias, .gguf, folder, HF id, ``backend:args``) on ``tasks`` (a string
    as ``--tasks`` takes, or resolved ``TaskSpec``s) and write the results under ``output``.

    ``form``: ``loglik`` scores the pairs, QA and decisions tasks by log-likelihood, ``choice`` asks them
    in their generative form (options with letters, the answer parsed from text), ``auto`` picks
    ``choice`` for a chat-completions API model (which gives no log-likelihoods) and ``loglik``
    for every other model.

    Bad arguments raise ``UserError`` before any model loads.
    """
    from fairbench.runner import Settings, run
    from fairbench.tasks import resolve_tasks

    if limit is not None and limit < 1:
        raise UserError("--limit must be a positive number of items")
    if batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    if samples < 1:
        raise UserError(f"--samples must be at least 1, got {samples}")
    if temperature < 0:
        raise UserError(f"--temperature must be 0 (greedy) or more, got {temperature}")
    if samples > 1 and temperature == 0:
        raise UserError("--samples K > 1 needs --temperature T > 0: greedy decoding gives K identical generations")
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise UserError(f"--output {output} is a file, not a folder")
    from fairbench.models import load_lm, resolve_model

    mit = _mitigation(mitigation, draft_model, verifier_model)
    if isinstance(tasks, str):
        from fairbench.tasks.registry import expand

        expand(tasks)  # a misspelt task name fails before the model is looked up
    extra = {"threads": threads} if threads else {}
    if payload:
        from fairbench.metrics.cascade import parse_payload

        try:
            parse_payload(payload)  # a bad spec fails before the model is looked up
        except ValueError as e:
            raise UserError(f"--payload: {e}") from None
        extra["payload"] = payload  # the runner hands it to the cascade tasks (docs/cascade.md)
    ms = resolve_model(model, allow_download=allow_download)
    form = resolve_form(form, ms)  # the form depends on the model: tasks are resolved after it
    specs = resolve_tasks(tasks, lang=lang, form=form) if isinstance(tasks, str) else list(tasks)

    settings = Settings(seed=seed, limit=limit, batch_size=batch_size, device=device, dtype=dtype, lang=lang,
                        bootstrap_iters=bootstrap_iters, ci_level=ci_level, samples=samples,
                        temperature=temperature, extra=extra | {"form": form})
    print(f"loading {ms.spec} ...", file=sys.stderr, flush=True)
    seed_everything(seed)
    if threads:
        import torch

        # on a shared machine, fewer intra-op threads than cores avoids threads spin-waiting for
        # each other; token-by-token generation suffers most from that
        torch.set_num_threads(threads)
    lm = load_lm(ms, device=device, dtype=dtype, batch_size=batch_size, allow_download=allow_download)
    launched = int(os.environ.get("WORLD_SIZE", "1"))
    if launched > 1 and getattr(lm, "world_size", 1) == 1:
        print(f"warning: {launched} processes were launched but the backend does not split the work "
              "(lm-eval's hf backend is data parallel across GPUs only); each process evaluates everything",
              file=sys.stderr)
    mit_info = None
    if mit is not None:
        lm = mit.wrap(lm)
        mit_info = {"name": mit.name, "settings": mit.settings()}
        decoder = getattr(mit, "decoder", None)
        if getattr(decoder, "stats", None) is not None:
            # the decoder's own counters (tokens, how often each trigger fired, ...): the same
            # dict object, so every write of the results file has the counts so far
            mit_info["stats"] = decoder.stats
    path, results = run(lm, ms, specs, settings=settings, output=output, mitigation=mit_info)
    return Results(path, results, main=getattr(lm, "rank", 0) == 0)


def resolve_form(form: str, ms) -> str:
    """``auto`` -> ``choice`` for a chat-completions API backend, else ``loglik``."""
    from fairbench.tasks.registry import FORMS

    if form == "auto":
        if ms.kind == "lm_eval":
            from lm_eval.api.registry import get_model

            from fairbench.runner import is_chat_api

            if is_chat_api(get_model(ms.spec.partition(":")[0])):
                print(f"{ms.spec.partition(':')[0]} gives no log-likelihoods: the pairs, QA and decisions tasks run in their "
                      "generative form (--form choice)", file=sys.stderr)
                return "choice"
        return "loglik"
    if form not in FORMS:
        raise UserError(f"unknown --form {form!r}; use auto, {' or '.join(FORMS)}")
    return form


def _mitigation(spec: str | None, draft: str | None, verifier: str | None):
    if spec in (None, "none"):
        if draft or verifier:
            raise UserError("--draft-model and --verifier-model go with --mitigation ambedkar")
        return None
    from fairbench.mitigations import parse_mitigation

    mit = parse_mitigation(spec)
    if draft or verifier:
        if mit is None or mit.name != "ambedkar":
            raise UserError("--draft-model and --verifier-model go with --mitigation ambedkar")
        # set after parsing: a model spec may itself contain commas (hf:pretrained=...,dtype=...)
        mit.opts.draft = draft or mit.opts.draft
        mit.opts.verifier = verifier or mit.opts.verifier
    return mit


def seed_everything(seed: int) -> None:
    """Python, numpy and torch seeded alike, before a model loads."""
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
