"""What every mitigation shares: option parsing, the lm-eval LM wrapper, stop strings.

A mitigation changes how text is decoded, not what the model is, so it wraps an lm-eval LM by
composition: the wrapper holds the inner LM (an HFLM for every model fairbench loads itself),
decodes ``generate_until`` requests with the mitigation's own loop, and hands everything else
(log-likelihoods, rank, chat templating) to the inner LM unchanged.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from typing import Callable, Protocol

from fairbench.errors import UserError


class Mitigation(Protocol):
    name: str

    def settings(self) -> dict: ...

    def wrap(self, lm): ...


def parse_options(name: str, cls, text: str):
    """``"alpha=1.0,k=5"`` -> ``cls(alpha=1.0, k=5)``, typed by the dataclass's defaults."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            raise UserError(f"mitigation option {item!r} for {name} is not KEY=VALUE")
        if key not in fields:
            raise UserError(f"unknown option {key!r} for mitigation {name}; it takes: {', '.join(fields)}")
        kwargs[key] = _convert(name, key, value.strip(), fields[key])
    try:
        return cls(**kwargs)
    except ValueError as e:
        raise UserError(f"mitigation {name}: {e}") from None


def _convert(name: str, key: str, value: str, field: dataclasses.Field):
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))
    try:
        if kind.startswith("bool"):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind.startswith("int"):
            return None if value.lower() == "none" and "None" in kind else int(value)
        if kind.startswith("float"):
            return float(value)
    except ValueError:
        raise UserError(f"mitigation {name}: option {key}={value!r} is not a valid {kind.split(' ')[0]}") from None
    return value or None


@dataclass
class Prompt:
    """One generation request as the wrapper sees it: the rendered text, and the chat messages
    it was rendered from when lm-eval applied a chat template (so a mitigation can re-render it
    with a system prompt or with its identity cues swapped)."""

    text: str
    messages: list[dict] | None = None
    add_generation_prompt: bool = True


@dataclass
class Request:
    prompt: Prompt
    until: list[str]
    max_gen_toks: int
    do_sample: bool = False
    temperature: float = 1.0


Decoder = Callable[[Request], str]


def wrap_lm(inner, decoder: Decoder, name: str, settings: dict):
    """An ``lm_eval.api.model.LM`` around ``inner`` that decodes generations with ``decoder``.

    The class is made here so that importing fairbench.mitigations does not import lm-eval.
    """
    from lm_eval.api.model import LM

    class _Wrapped(LM):
        def __init__(self):
            super().__init__()
            self.inner = inner
            self.mitigation = name
            self.mitigation_settings = settings
            # rendered prompt -> the chat it came from; lm-eval renders before it calls us
            self._chats: dict[str, tuple[list[dict], bool]] = {}

        # -- what lm-eval's evaluator asks of an LM, delegated ------------------------------
        @property
        def rank(self):
            return inner.rank

        @property
        def world_size(self):
            return inner.world_size

        @property
        def device(self):
            return inner.device

        @property
        def tokenizer_name(self) -> str:
            return inner.tokenizer_name

        def chat_template(self, chat_template=False):
            return inner.chat_template(chat_template)

        def apply_chat_template(self, chat_history, add_generation_prompt=True):
            text = inner.apply_chat_template(chat_history, add_generation_prompt)
            self._chats[text] = ([dict(m) for m in chat_history], add_generation_prompt)
            return text

        def all_gather(self, tensor):
            return inner.all_gather(tensor)

        def gather_object(self, obj, dst=0):
            return inner.gather_object(obj, dst)

        def barrier(self):
            return inner.barrier()

        def get_model_info(self) -> dict:
            info = inner.get_model_info() if hasattr(inner, "get_model_info") else {}
            return info | {"mitigation": name}

        def __getattr__(self, attr):  # batch_sizes, tokenizer, model, ...: the inner LM's
            if attr == "inner":
                raise AttributeError(attr)
            return getattr(self.inner, attr)

        # -- requests ------------------------------------------------------------------------
        def loglikelihood(self, requests, disable_tqdm: bool = False):
            # passthrough: neither method defines a cheap adjusted distribution over whole
            # continuations, and settings() records "loglikelihood": "passthrough"
            return inner.loglikelihood(requests, disable_tqdm=disable_tqdm)

        def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
            return inner.loglikelihood_rolling(requests, disable_tqdm=disable_tqdm)

        def generate_until(self, requests, disable_tqdm: bool = False):
            out = []
            for i, req in enumerate(requests):
                context, kwargs = req.args
                out.append(decoder(self.request(context, kwargs)))
                if not disable_tqdm and (i + 1) % 10 == 0:
                    print(f"  {name}: {i + 1}/{len(requests)} generations", file=sys.stderr, flush=True)
            return out

        def request(self, context: str, kwargs: dict | None = None) -> Request:
            kwargs = dict(kwargs or {})
            until = kwargs.get("until") or []
            until = [until] if isinstance(until, str) else list(until)
            chat = self._chats.get(context)
            return Request(
                prompt=Prompt(context, *(chat or (None, True))),
                until=until,
                max_gen_toks=int(kwargs.get("max_gen_toks", getattr(inner, "max_gen_toks", 256))),
                do_sample=bool(kwargs.get("do_sample", False)),
                temperature=float(kwargs.get("temperature", 1.0) or 1.0),
            )

    return _Wrapped()


def hf_parts(lm, mitigation: str):
    """(model, tokenizer, device) of a transformers-backed lm-eval LM, or a UserError."""
    model = getattr(lm, "model", None)
    tok = getattr(lm, "tokenizer", None)
    if model is None or tok is None or not hasattr(model, "get_input_embeddings"):
        raise UserError(
            f"mitigation {mitigation} decodes token by token and needs a transformers model "
            "(an alias, a .gguf, a model folder or hf:pretrained=...), not this backend"
        )
    return model, tok, next(model.parameters()).device


def encode(lm, text: str) -> list[int]:
    """Token ids of a prompt exactly as the inner LM would encode it."""
    if hasattr(lm, "tok_encode"):
        return list(lm.tok_encode(text))
    return list(lm.tokenizer.encode(text))


class Stopper:
    """Stop strings and end-of-sequence, checked on the decoded continuation as it grows.

    lm-eval's HFLM cuts its output at the first stop string; checking the decoded text (not
    token ids) catches stop strings that straddle token boundaries the same way.
    """

    def __init__(self, tokenizer, until: list[str], max_gen_toks: int):
        self.tok = tokenizer
        self.until = [u for u in until if u]
        self.max = max_gen_toks
        eos = tokenizer.eos_token_id
        self.eos = set(eos if isinstance(eos, list) else [eos]) - {None}

    def cut(self, ids: list[int]) -> tuple[list[int], bool]:
        """(ids kept, done): ids up to and including an EOS, and whether decoding must stop."""
        for i, t in enumerate(ids):
            if t in self.eos:
                return ids[: i + 1], True
        if len(ids) >= self.max:
            return ids[: self.max], True
        if self.until:
            text = self.tok.decode(ids, skip_special_tokens=True)
            if any(u in text for u in self.until):
                return ids, True
        return ids, False

    def text(self, ids: list[int]) -> str:
        ids = [t for t in ids if t not in self.eos]
        text = self.tok.decode(ids, skip_special_tokens=True)
        for u in self.until:
            text = text.split(u)[0]
        return text
