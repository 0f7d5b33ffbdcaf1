"""Inference-time bias mitigations, each a wrapper around an lm-eval LM.

``parse_mitigation("ambedkar:alpha=1.0,k=5,gamma=3")`` gives a Mitigation whose ``wrap(lm)``
returns an lm-eval LM that decodes generation requests with the method and passes
log-likelihood requests through to ``lm``; ``settings()`` is what the results file records.
See docs/mitigations.md.
"""

from __future__ import annotations

from fairbench.errors import UserError
from fairbench.mitigations.base import Mitigation, parse_options

NAMES = ("none", "ambedkar", "uddia")


def parse_mitigation(spec: str | None) -> Mitigation | None:
    """``none`` / ``ambedkar`` / ``uddia``, optionally with ``:KEY=VALUE,...``; None for none.

    >>> parse_mitigation("ambedkar:alpha=0.5,gamma=3").settings()["gamma"]
    3
    >>> parse_mitigation("none") is None
    True
    """
    name, _, options = (spec or "none").strip().partition(":")
    name = name.strip().lower()
    if name == "none":
        if options.strip():
            raise UserError("mitigation none takes no options")
        return None
    if name == "ambedkar":
        from fairbench.mitigations.ambedkar import Ambedkar, AmbedkarOptions

        return Ambedkar(parse_options(name, AmbedkarOptions, options))
    if name == "uddia":
        from fairbench.mitigations.uddia import Uddia, UddiaOptions

        return Uddia(parse_options(name, UddiaOptions, options))
    raise UserError(f"unknown mitigation {name!r}; choose one of: {', '.join(NAMES)}")


__all__ = ["Mitigation", "NAMES", "parse_mitigation"]
