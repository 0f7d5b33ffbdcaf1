"""Images from a diffusers pipeline, captions from a BLIP-style captioner, and CLIP miss checks.

Each step takes already loaded models, so tests can hand in tiny random ones; the ``load_*``
functions turn a local folder (or, with ``allow_download``, a hub id) into those models.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from fairbench.errors import UserError

INSTALL = "pip install 'fairbench[t2i]'  (or: pip install diffusers)"


def pick_device(device: str = "auto") -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError(f"--device {device}: no CUDA GPU is visible")
    return device


def _bar(total: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="img", file=sys.stderr, leave=False, dynamic_ncols=True)


def _chunks(seq: Sequence, size: int):
    for i in range(0, len(seq), size):
        yield i, seq[i:i + size]


def generate(pipeline, prompts: Sequence[str], *, images_per_prompt: int = 2, batch_size: int = 4,
             seed: int = 1234, steps: int = 10, guidance_scale: float = 7.5, height: int | None = None,
             width: int | None = None, desc: str = "generate") -> list:
    """Images for ``prompts`` (``images_per_prompt`` each, in prompt order), in batches of
    ``batch_size`` prompts. Image j of the run has its own generator seeded ``seed + j``, so
    the images do not depend on the batch size."""
    import torch

    device = getattr(pipeline, "device", torch.device("cpu"))
    gen_device = "cpu" if torch.device(device).type == "mps" else device
    if hasattr(pipeline, "set_progress_bar_config"):
        pipeline.set_progress_bar_config(disable=True)  # one bar over the run, not one per batch
    images: list = []
    with _bar(len(prompts) * images_per_prompt, desc) as bar:
        for start, batch in _chunks(list(prompts), batch_size):
            first = start * images_per_prompt
            gens = [torch.Generator(device=gen_device).manual_seed(seed + first + j)
                    for j in range(len(batch) * images_per_prompt)]
            kw = {"height": height, "width": width} if height and width else {}
            out = pipeline(list(batch), num_images_per_prompt=images_per_prompt, num_inference_steps=steps,
                           guidance_scale=guidance_scale, generator=gens, output_type="pil", **kw)
            images += list(out.images)
            bar.update(len(batch) * images_per_prompt)
    return images


def caption(images: Sequence, model, processor, *, batch_size: int = 8, max_new_tokens: int = 10,
            desc: str = "caption") -> list[str]:
    """Greedy captions (BLIP-style ``generate``), at most ``max_new_tokens`` tokens each."""
    import torch

    device = next(model.parameters()).device
    out: list[str] = []
    with torch.no_grad(), _bar(len(images), desc) as bar:
        for _, batch in _chunks(list(images), batch_size):
            inputs = processor(images=list(batch), return_tensors="pt").to(device)
            ids = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
            out += [t.strip() for t in processor.batch_decode(ids, skip_special_tokens=True)]
            bar.update(len(batch))
    return out


def miss_check(images: Sequence, prompts: Sequence[str], model, processor, *, batch_size: int = 8,
               desc: str = "clip") -> list[tuple[bool, list[float]]]:
    """For each image and its prompt: (miss, [logit of the prompt, logit of " "]). A miss is an
    image that CLIP matches better with a blank text than with its own prompt."""
    import torch

    if len(images) != len(prompts):
        raise ValueError(f"{len(images)} images but {len(prompts)} prompts")
    device = next(model.parameters()).device
    out: list[tuple[bool, list[float]]] = []
    with torch.no_grad(), _bar(len(images), desc) as bar:
        for start, batch in _chunks(list(images), batch_size):
            texts = list(prompts[start:start + len(batch)]) + [" "]
            inputs = processor(text=texts, images=list(batch), return_tensors="pt", padding=True, truncation=True)
            logits = model(**inputs.to(device)).logits_per_image.float().cpu()  # (images, texts)
            for j in range(len(batch)):
                own, blank = float(logits[j, j]), float(logits[j, -1])
                out.append((blank > own, [own, blank]))
            bar.update(len(batch))
    return out


# ---------------------------------------------------------------- loading


def _local_or_hub(name: str, what: str, allow_download: bool) -> str:
    path = Path(name).expanduser()
    if path.exists():
        return str(path)
    if not allow_download and name.count("/") != 1:
        raise UserError(f"{what} {name!r}: no such folder")
    return name


def load_pipeline(name: str, *, device: str = "cpu", allow_download: bool = False):
    try:
        import diffusers
    except ImportError:
        raise UserError(f"text-to-image runs need diffusers: {INSTALL}") from None
    import torch

    src = _local_or_hub(name, "diffusers model", allow_download)
    # half precision on GPUs, as diffusion pipelines are usually run; float32 (the default) on CPU
    kw = {"torch_dtype": torch.float16} if device.startswith("cuda") else {}
    try:
        pipe = diffusers.AutoPipelineForText2Image.from_pretrained(src, local_files_only=not allow_download, **kw)
    except (OSError, ValueError) as e:
        hint = "" if allow_download else " (offline: pass a local folder, or --allow-download)"
        raise UserError(f"cannot load diffusers pipeline {name!r}{hint}: {e}") from None
    return pipe.to(device)


def load_captioner(name: str, *, device: str = "cpu", allow_download: bool = False):
    """(model, processor) of a BLIP-style image-to-text model."""
    from transformers import AutoProcessor, BlipForConditionalGeneration

    src = _local_or_hub(name, "captioner", allow_download)
    try:
        model = BlipForConditionalGeneration.from_pretrained(src, local_files_only=not allow_download)
        processor = AutoProcessor.from_pretrained(src, local_files_only=not allow_download)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot load captioner {name!r}: {e}") from None
    return model.to(device).eval(), processor


def load_clip(name: str, *, device: str = "cpu", allow_download: bool = False):
    """(model, processor) of a CLIP model for the miss check."""
    from transformers import AutoProcessor, CLIPModel

    src = _local_or_hub(name, "CLIP model", allow_download)
    try:
        model = CLIPModel.from_pretrained(src, local_files_only=not allow_download)
        processor = AutoProcessor.from_pretrained(src, local_files_only=not allow_download)
    except (OSError, ValueError) as e:
        raise UserError(f"cannot load CLIP model {name!r}: {e}") from None
    return model.to(device).eval(), processor
