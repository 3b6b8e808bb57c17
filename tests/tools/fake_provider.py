#!/usr/bin/python3
"""A loopback embedding server for the tests: speaks the OpenAI, Azure OpenAI, Ollama and
Hugging Face TEI embedding APIs as documented, rejects requests that do not match their
schema (wrong path, missing model, unknown fields, missing or wrong key) with the
provider's own 4xx error shape, returns deterministic vectors derived from each text, and
fails on request (POST /control) in every way a real service does.

Vector of a text t with D dimensions: for block b = 0, 1, ...: SHA-256(utf8(t) + b"\\0" +
ascii(b)) gives 8 little-endian uint32 u; each becomes u / 2**32 * 2 - 1; the first D values.

Usage: fake_provider.py [--port 0] [--key KEY] [--dims 8] [--latency-ms 0]
                        [--idle-timeout 60] [--tei-max-batch 32]
Prints "PORT <n>" on stdout once listening. Exits by itself after --idle-timeout seconds
without a request, or when its parent process dies.

POST /control {"reset": true} | {"rules": [RULE, ...]} | RULE, where
RULE = {"fault": NAME, "times": 1 (-1 = always), "after": 0 (requests to let through first),
        "retry_after": "1", "slow_seconds": 5, "max_batch": N}
Faults: 429, 429_retry_after, 500, 503, slow, drop, truncated, count, shuffle, dup_index,
nan, zero, dim, 401, quota, echo_key, float_list, max_batch (413 above max_batch inputs),
huge (a valid answer padded to "size_mb" MB), stall (sends nothing, or with "stall_at":
"body" the headers and half the body, then waits "stall_seconds", default 300),
redirect (307 to "location").
Any input containing TOO_LONG gets OpenAI's "maximum context length" error (400).
GET /stats -> {"requests": n, "inputs": n, "statuses": {...}, "all_requests": n,
"header_names": [...]}: all_requests counts every request but /control and /stats
(proxy CONNECTs and refused ones included); header_names are the (lower-case) names of
every header received with them.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

LOCK = threading.Lock()
STATE = {"rules": [], "requests": 0, "inputs": 0, "statuses": {}, "last": time.monotonic(),
         "latency_ms": 0, "all_requests": 0, "header_names": set()}
ARGS = None


def vector(text, dims):
    out = []
    block = 0
    while len(out) < dims:
        digest = hashlib.sha256(text.encode("utf-8") + b"\0" + str(block).encode()).digest()
        for (u,) in struct.iter_unpack("<I", digest):
            out.append(u / 4294967296.0 * 2.0 - 1.0)
        block += 1
    return out[:dims]


def take_fault(batch_size):
    """The first rule that fires for this request (consuming it), or None."""
    with LOCK:
        for rule in STATE["rules"]:
            if rule.get("fault") == "max_batch":
                if batch_size > int(rule.get("max_batch", 1)):
                    return rule
                continue
            if rule.get("times", 1) == 0:
                continue
            if rule.get("after", 0) > 0:
                rule["after"] -= 1
                continue
            if rule.get("times", 1) > 0:
                rule["times"] = rule.get("times", 1) - 1
            return rule
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server_version = "fake-provider/1"

    def log_message(self, fmt, *args):
        pass

    # -- plumbing ---------------------------------------------------------------------
    def send_json(self, status, obj, headers=None, raw=None):
        body = raw if raw is not None else json.dumps(obj, allow_nan=True).encode()
        with LOCK:
            STATE["statuses"][str(status)] = STATE["statuses"].get(str(status), 0) + 1
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def seen(self):
        """Records a request that is not /control or /stats, and its header names."""
        with LOCK:
            STATE["all_requests"] += 1
            STATE["header_names"].update(k.lower() for k in self.headers.keys())

    def do_GET(self):
        STATE["last"] = time.monotonic()
        if self.path == "/stats":
            with LOCK:
                s = {k: STATE[k] for k in ("requests", "inputs", "statuses", "all_requests")}
                s["header_names"] = sorted(STATE["header_names"])
            self.send_json(200, s)
        else:
            self.seen()
            self.send_json(404, {"error": "not found"})

    def do_CONNECT(self):
        # Used as an HTTP(S) proxy by a test, it refuses every tunnel but counts it.
        STATE["last"] = time.monotonic()
        self.seen()
        self.send_json(403, {"error": "fake provider: not a proxy"})

    def do_POST(self):
        STATE["last"] = time.monotonic()
        url = urlparse(self.path)
        if url.path != "/control":
            self.seen()
        raw = self.read_body()
        if url.path == "/control":
            return self.control(raw)
        try:
            body = json.loads(raw.decode("utf-8"))
        except Exception:
            body = None
        if url.path == "/v1/embeddings":
            return self.openai(body, azure=False)
        parts = url.path.strip("/").split("/")
        if len(parts) == 4 and parts[0] == "openai" and parts[1] == "deployments" and parts[3] == "embeddings":
            if "api-version" not in parse_qs(url.query):
                return self.send_json(404, {"error": {"code": "404", "message": "Resource not found"}})
            return self.openai(body, azure=True, deployment=parts[2])
        if url.path == "/api/embed":
            return self.ollama(body)
        if url.path == "/embed":
            return self.tei(body)
        if url.path.startswith("/openai/"):
            return self.send_json(404, {"error": {"code": "404", "message": "Resource not found"}})
        return self.send_json(404, {"error": {"message": "Invalid URL (POST %s)" % url.path,
                                              "type": "invalid_request_error", "param": None, "code": None}})

    def control(self, raw):
        cmd = json.loads(raw.decode() or "{}")
        with LOCK:
            if cmd.get("reset"):
                STATE.update(rules=[], requests=0, inputs=0, statuses={}, all_requests=0, header_names=set())
            if "latency_ms" in cmd:
                STATE["latency_ms"] = int(cmd["latency_ms"])
            rules = cmd.get("rules", [cmd] if "fault" in cmd else [])
            STATE["rules"].extend(dict(r) for r in rules)
        self.send_json(200, {"ok": True})

    # -- shared fault handling --------------------------------------------------------
    def common_faults(self, rule, style, given_key):
        """Sends the fault's response and returns True, or returns False for content faults."""
        name = rule["fault"]

        def err(status, message, code=None, typ=None, headers=None):
            if style == "openai":
                obj = {"error": {"message": message, "type": typ or "invalid_request_error",
                                 "param": None, "code": code}}
            elif style == "azure":
                obj = {"error": {"code": code or str(status), "message": message}}
            elif style == "tei":
                obj = {"error": message, "error_type": typ or "Backend"}
            else:
                obj = {"error": message}
            self.send_json(status, obj, headers)
            return True

        if name == "429":
            return err(429, "Rate limit reached for requests", "rate_limit_exceeded", "requests")
        if name == "429_retry_after":
            return err(429, "Rate limit reached; retry later", "rate_limit_exceeded", "requests",
                       {"Retry-After": str(rule.get("retry_after", "1"))})
        if name == "500":
            return err(500, "The server had an error while processing your request.", None, "server_error")
        if name == "503":
            return err(503, "The engine is currently overloaded, please try again later", None, "server_error")
        if name == "401":
            return err(401, "Incorrect API key provided: %s. You can find your API key at "
                       "https://platform.openai.com/account/api-keys." % mask(given_key), "invalid_api_key")
        if name == "quota":
            return err(429, "You exceeded your current quota, please check your plan and billing details.",
                       "insufficient_quota", "insufficient_quota")
        if name == "echo_key":
            return err(400, "Invalid request for key %s: bad things" % given_key, "invalid_request")
        if name == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return True
        if name == "slow":
            time.sleep(float(rule.get("slow_seconds", 5)))
            return False
        if name == "redirect":
            self.send_json(307, None, {"Location": rule.get("location", "http://127.0.0.1:1/v1/embeddings")}, raw=b"")
            return True
        if name == "stall" and rule.get("stall_at", "start") == "start":
            time.sleep(float(rule.get("stall_seconds", 300)))
            self.close_connection = True
            return True
        return False

    def check_key(self, style, header_value):
        if not ARGS.key:
            return None
        if style == "azure":
            given = self.headers.get("api-key")
            if given != ARGS.key:
                self.send_json(401, {"error": {"code": "401", "message":
                               "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
                               "to provide a valid key for an active subscription and use a correct regional "
                               "API endpoint for your resource."}})
                return False
            return None
        auth = header_value or ""
        if not auth.startswith("Bearer "):
            if style == "tei":
                self.send_json(401, {"error": "Unauthorized", "error_type": "Unauthorized"})
            else:
                self.send_json(401, {"error": {"message": "You didn't provide an API key. You need to provide "
                                               "your API key in an Authorization header using Bearer auth.",
                                               "type": "invalid_request_error", "param": None, "code": None}})
            return False
        given = auth[len("Bearer "):]
        if given != ARGS.key:
            if style == "tei":
                self.send_json(401, {"error": "Unauthorized", "error_type": "Unauthorized"})
            else:
                self.send_json(401, {"error": {"message": "Incorrect API key provided: %s. You can find your "
                                               "API key at https://platform.openai.com/account/api-keys."
                                               % mask(given), "type": "invalid_request_error", "param": None,
                                               "code": "invalid_api_key"}})
            return False
        return None

    def count(self, inputs):
        with LOCK:
            STATE["requests"] += 1
            STATE["inputs"] += len(inputs)
        latency = STATE["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)

    # -- OpenAI and Azure -------------------------------------------------------------
    def openai(self, body, azure, deployment=None):
        style = "azure" if azure else "openai"
        if self.check_key(style, self.headers.get("Authorization")) is False:
            return

        def bad(msg, param=None):
            if azure:
                return self.send_json(400, {"error": {"code": "BadRequest", "message": msg}})
            return self.send_json(400, {"error": {"message": msg, "type": "invalid_request_error",
                                                  "param": param, "code": None}})
        if not isinstance(body, dict):
            return bad("We could not parse the JSON body of your request.")
        allowed = {"input", "model", "encoding_format", "dimensions", "user"} if not azure else \
                  {"input", "encoding_format", "dimensions", "user", "input_type"}
        for k in body:
            if k not in allowed:
                return bad("Unrecognized request argument supplied: %s" % k, k)
        if not azure and not isinstance(body.get("model"), str):
            return bad("you must provide a model parameter", "model")
        inputs = body.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not inputs or len(inputs) > 2048 or \
                not all(isinstance(t, str) and t for t in inputs):
            return bad("'$.input' is invalid. Please check the API reference: "
                       "https://platform.openai.com/docs/api-reference.", "input")
        fmt = body.get("encoding_format", "float")
        if fmt not in ("float", "base64"):
            return bad("Invalid value for 'encoding_format'", "encoding_format")
        dims = body.get("dimensions", ARGS.dims)
        if not isinstance(dims, int) or dims <= 0:
            return bad("Invalid value for 'dimensions'", "dimensions")
        given = (self.headers.get("api-key") if azure else (self.headers.get("Authorization") or "")[7:]) or ""
        self.count(inputs)
        rule = take_fault(len(inputs))
        if rule and rule["fault"] == "max_batch":
            return self.send_json(413, {"error": {"message": "Request too large: %d inputs" % len(inputs),
                                                  "type": "invalid_request_error", "code": None}})
        if rule and self.common_faults(rule, style, given):
            return
        if any("TOO_LONG" in t for t in inputs):
            return bad("This model's maximum context length is 8192 tokens, however you requested 9000 tokens "
                       "(9000 in your prompt; 0 for the completion). Please reduce your prompt.", "input")
        vecs = [vector(t, dims) for t in inputs]
        name = rule["fault"] if rule else None
        if name == "nan":
            vecs[0][0] = float("nan")
        elif name == "zero":
            vecs[-1] = [0.0] * dims
        elif name == "dim":
            vecs[-1] = vecs[-1][:-1]
        if name == "count":
            vecs = vecs[:-1]
        use_b64 = fmt == "base64" and name != "float_list"
        items = []
        for i, v in enumerate(vecs):
            emb = base64.b64encode(struct.pack("<%df" % len(v), *v)).decode() if use_b64 else v
            items.append({"object": "embedding", "index": i, "embedding": emb})
        if name == "dup_index" and len(items) > 1:
            items[1]["index"] = 0
        if name == "shuffle":
            random.Random(len(items)).shuffle(items)
        tokens = sum(max(1, len(t) // 4) for t in inputs)
        resp = {"object": "list", "data": items, "model": deployment if azure else body["model"],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        self.reply(resp, name, rule)

    def reply(self, resp, name, rule=None):
        if name == "huge" and isinstance(resp, dict):
            resp["padding"] = "x" * int(float((rule or {}).get("size_mb", 64)) * 1000000)
        raw = json.dumps(resp, allow_nan=True).encode()
        if name == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw[: len(raw) // 2])
            self.wfile.flush()
            time.sleep(float((rule or {}).get("stall_seconds", 300)))
            self.close_connection = True
            return
        if name == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw) // 2))
            self.end_headers()
            self.wfile.write(raw[: len(raw) // 2])
            self.close_connection = True
            return
        self.send_json(200, None, raw=raw)

    # -- Ollama -------------------------------------------------------------------------
    def ollama(self, body):
        if not isinstance(body, dict):
            return self.send_json(400, {"error": "invalid request body"})
        for k in body:
            if k not in ("model", "input", "truncate", "options", "keep_alive", "dimensions"):
                return self.send_json(400, {"error": "json: unknown field \"%s\"" % k})
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return self.send_json(400, {"error": "model is required"})
        if model.startswith("missing"):
            return self.send_json(404, {"error": "model \"%s\" not found, try pulling it first" % model})
        inputs = body.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not all(isinstance(t, str) for t in inputs):
            return self.send_json(400, {"error": "invalid input type"})
        dims = body.get("dimensions", ARGS.dims)
        self.count(inputs)
        rule = take_fault(len(inputs))
        if rule and rule["fault"] == "max_batch":
            return self.send_json(413, {"error": "request entity too large"})
        if rule and self.common_faults(rule, "ollama", ""):
            return
        vecs = [vector(t, dims) for t in inputs]
        name = rule["fault"] if rule else None
        if name == "count":
            vecs = vecs[:-1]
        elif name == "dim":
            vecs[-1] = vecs[-1][:-1]
        elif name == "zero":
            vecs[0] = [0.0] * dims
        self.reply({"model": model, "embeddings": vecs, "total_duration": 1000, "load_duration": 10,
                    "prompt_eval_count": sum(len(t.split()) for t in inputs)}, name, rule)

    # -- TEI ------------------------------------------------------------------------------
    def tei(self, body):
        if ARGS.key and self.check_key("tei", self.headers.get("Authorization")) is False:
            return
        if not isinstance(body, dict):
            return self.send_json(422, {"error": "Failed to deserialize the JSON body", "error_type": "Validation"})
        for k in body:
            if k not in ("inputs", "normalize", "truncate", "truncation_direction", "prompt_name"):
                return self.send_json(422, {"error": "unknown field `%s`" % k, "error_type": "Validation"})
        inputs = body.get("inputs")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not inputs or not all(isinstance(t, str) for t in inputs):
            return self.send_json(422, {"error": "`inputs` cannot be empty", "error_type": "Validation"})
        if len(inputs) > ARGS.tei_max_batch:
            self.count(inputs)
            return self.send_json(413, {"error": "batch size %d > maximum allowed batch size %d"
                                        % (len(inputs), ARGS.tei_max_batch), "error_type": "Validation"})
        self.count(inputs)
        rule = take_fault(len(inputs))
        if rule and rule["fault"] == "max_batch":
            return self.send_json(413, {"error": "payload too large", "error_type": "Validation"})
        if rule and self.common_faults(rule, "tei", ""):
            return
        vecs = [vector(t, ARGS.dims) for t in inputs]
        name = rule["fault"] if rule else None
        if name == "count":
            vecs = vecs[:-1]
        elif name == "dim":
            vecs[-1] = vecs[-1][:-1]
        self.reply(vecs, name, rule)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # listen() backlog: the default 5 drops SYNs of 8 parallel connects


def mask(key):
    if len(key) <= 8:
        return "*" * len(key)
    return key[:6] + "*" * (len(key) - 10) + key[-4:]


def watchdog(parent):
    while True:
        time.sleep(0.25)
        if os.getppid() != parent:
            os._exit(0)
        if time.monotonic() - STATE["last"] > ARGS.idle_timeout:
            os._exit(0)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--key", default=os.environ.get("FAKE_PROVIDER_KEY", ""))
    p.add_argument("--dims", type=int, default=8)
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--idle-timeout", type=float, default=60)
    p.add_argument("--tei-max-batch", type=int, default=32)
    ARGS = p.parse_args()
    STATE["latency_ms"] = ARGS.latency_ms
    server = Server(("127.0.0.1", ARGS.port), Handler)
    threading.Thread(target=watchdog, args=(os.getppid(),), daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
