"""A small OpenAI-compatible chat-completions server for a local model, so the API path
(lm-eval's ``local-chat-completions`` backend, the generative task forms) can be run and tested
on one machine without a network:

    python -m fairbench.models.openai_server --model smollm2-135m --port 8765
    fairbench run --model local-chat-completions:base_url=http://127.0.0.1:8765/v1/chat/completions,model=smollm2-135m \\
        --tasks caste_pairs --limit 20

It serves ``POST /v1/chat/completions`` (messages through the model's chat template; greedy at
temperature 0, else sampled with the request's seed; ``max_tokens``; ``stop`` cuts the text at the
first stop string) and ``GET /v1/models``. One request runs at a time. It is a test and
development server: no authentication, no streaming, no log-probabilities.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatModel:
    """A transformers causal LM answering chat requests."""

    def __init__(self, model, tokenizer, name: str):
        self.model, self.tok, self.name = model.eval(), tokenizer, name
        self.lock = threading.Lock()

    def complete(self, body: dict) -> dict:
        import torch

        messages = body.get("messages")
        if not isinstance(messages, list) or not all(isinstance(m, dict) and "content" in m for m in messages):
            raise ValueError("'messages' must be a list of {role, content} objects")
        max_tokens = int(body.get("max_tokens") or body.get("max_completion_tokens") or 256)
        temperature = float(body.get("temperature") or 0.0)
        stop = body.get("stop") or []
        stop = [stop] if isinstance(stop, str) else [s for s in stop if s]
        ids = self.tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True)
        kw = {"max_new_tokens": max_tokens, "pad_token_id": self.tok.pad_token_id or self.tok.eos_token_id}
        if stop:  # stop decoding at a stop string (the text is still cut below: it may end past it)
            kw.update(stop_strings=stop, tokenizer=self.tok)
        if temperature > 0:
            kw.update(do_sample=True, temperature=temperature)
        else:
            kw.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        with self.lock, torch.no_grad():
            if temperature > 0:
                torch.manual_seed(int(body.get("seed") or 0))
            out = self.model.generate(**ids, **kw)
        new = out[0, ids["input_ids"].shape[1]:]
        text = self.tok.decode(new, skip_special_tokens=True)
        finish = "length" if len(new) >= max_tokens else "stop"
        cuts = [text.index(s) for s in stop if s in text]
        if cuts:
            text, finish = text[:min(cuts)], "stop"
        return {
            "id": f"chatcmpl-{time.time_ns()}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model") or self.name,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
            "usage": {"prompt_tokens": int(ids["input_ids"].shape[1]), "completion_tokens": int(len(new)),
                      "total_tokens": int(ids["input_ids"].shape[1] + len(new))},
        }


def make_server(chat: ChatModel, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for ``chat`` (port 0: a free port, read it from ``server.server_port``)."""

    class Handler(BaseHTTPRequestHandler):
        def _send(self, code: int, obj: dict) -> None:
            data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, code: int, message: str) -> None:
            self._send(code, {"error": {"message": message, "type": "invalid_request_error"}})

        def do_GET(self):  # noqa: N802 (http.server's naming)
            if self.path.rstrip("/") == "/v1/models":
                self._send(200, {"object": "list", "data": [{"id": chat.name, "object": "model"}]})
            else:
                self._error(404, f"no route {self.path}")

        def do_POST(self):  # noqa: N802
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._error(404, f"no route {self.path}; this server has /v1/chat/completions")
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                self._send(200, chat.complete(body))
            except (ValueError, TypeError, KeyError) as e:
                self._error(400, str(e))

        def log_message(self, fmt, *args):  # quiet: one line per request would flood a run's log
            pass

    return ThreadingHTTPServer((host, port), Handler)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m fairbench.models.openai_server", description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="smollm2-135m", help="alias, .gguf or model folder (as fairbench run takes)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    args = p.parse_args(argv)
    from fairbench.errors import UserError
    from fairbench.models.registry import load_hf, resolve_model

    try:
        ms = resolve_model(args.model)
        if ms.kind == "lm_eval":
            raise UserError("serve an alias, a .gguf file or a model folder, not an lm-eval backend string")
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    model, tok = load_hf(ms)
    if not getattr(tok, "chat_template", None):
        print(f"error: {args.model} has no chat template; a chat-completions server needs one", file=sys.stderr)
        return 2
    server = make_server(ChatModel(model, tok, args.model), args.host, args.port)
    print(f"serving {args.model} at http://{args.host}:{server.server_port}/v1/chat/completions", file=sys.stderr,
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
