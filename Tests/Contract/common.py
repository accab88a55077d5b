"""What the contract and fuzz tests share: a throwaway `proctor serve`, plain HTTP calls, a minimal
WebSocket client, real media from the test data, and the OpenAPI document turned into JSON Schema
validators (nullable → `anyOf […, null]`, as schemathesis reads OpenAPI 3.0 too).

Standard library plus PyYAML and jsonschema (the pinned `Tests/Contract/requirements.txt`, installed
into vendor/venv by `scripts/setup.sh contract`).
"""
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "docs" / "openapi.yaml"
TESTDATA = Path(os.environ.get("PROCTOR_TESTDATA", ROOT.parent / "shared" / "testdata"))
ADMIN = "contract-admin"
PASSWORD = "contract admin password"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------ server

class Server:
    """`proctor serve` on 127.0.0.1 and a free port with a fresh data folder; `stop()` ends it."""

    def __init__(self, binary, env=None, name="contract"):
        self.binary = str(binary)
        self.work = Path(tempfile.mkdtemp(prefix=f"proctor-{name}-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.work / "server.log"
        self.env = dict(os.environ, PROCTOR_SERVER__DATA_DIRECTORY=str(self.work / "data"), PROCTOR_SERVER__HOST="127.0.0.1",
                        PROCTOR_SERVER__PORT=str(self.port), **(env or {}))
        self.env.pop("DATABASE_URL", None)
        self.process = None

    def start(self, timeout=180, healthy=True):
        """Creates the admin account, starts the server and waits for `/health` to say healthy (or,
        with `healthy=False`, for any answer: a server without models answers 503)."""
        created = subprocess.run([self.binary, "admin", "create", "--username", ADMIN, "--role", "admin", "--password-stdin"],
                                 input=PASSWORD + "\n", text=True, env=self.env, cwd=ROOT, capture_output=True)
        if created.returncode != 0:
            raise RuntimeError(f"proctor admin create failed: {created.stderr.strip()}")
        self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port), "--data-dir", str(self.work / "data"),
                                         "--log-level", "info"], cwd=ROOT, env=self.env,
                                        stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                status, _, body = request(self.base, "GET", "/health")
                if not healthy or (status == 200 and json.loads(body).get("status") == "healthy"):
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"server did not become healthy in {timeout} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cleanup(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def log_tail(self, size=3000):
        try:
            return self.log_path.read_text()[-size:]
        except OSError:
            return ""


def request(base, method, path, token=None, body=None, headers=None, timeout=60):
    """One HTTP request: (status, headers with lower-case names, body bytes). A dict body is sent as JSON."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    req = urllib.request.Request(base + path, data=data, method=method)
    if isinstance(body, (dict, list)):
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def json_of(raw):
    """The JSON of a body, or {} when it is not JSON."""
    try:
        return json.loads(raw)
    except ValueError:
        return {}


def wait_for(predicate, timeout, interval=1.0):
    """Polls `predicate` until it gives something truthy (returned) or `timeout` seconds pass (None)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def login(base, username=ADMIN, password=PASSWORD):
    status, _, body = request(base, "POST", "/api/auth/login", body={"username": username, "password": password})
    if status != 200:
        raise RuntimeError(f"login of {username} failed: {status} {body[:300]!r}")
    return json.loads(body)["token"]


# ------------------------------------------------------------------------------------------ media

def labels():
    return json.loads((TESTDATA / "labels.json").read_text())


def single_face_images():
    """Images labelled with exactly one face, looking at the camera (candidates for the reference photo)."""
    found = []
    for item in labels()["items"]:
        truth = item.get("ground_truth", {})
        if truth.get("faces") == 1 and truth.get("looking_away") is False and item["file"].lower().endswith((".jpg", ".jpeg", ".png")):
            found.append(TESTDATA / item["file"])
    return found


def testdata_file(task, predicate):
    for item in labels()["items"]:
        if item["task"] == task and predicate(item.get("ground_truth", {})):
            return TESTDATA / item["file"]
    raise FileNotFoundError(f"no {task} item in labels.json matches")


def make_chunk(path, source, seconds, start=0.0, still=False):
    """A webm chunk (VP8, 640x480, 15 fps) made with ffmpeg from a test video or still image."""
    arguments = ["ffmpeg", "-nostdin", "-y", "-v", "error"]
    arguments += ["-loop", "1", "-t", str(seconds), "-i", str(source)] if still else ["-ss", str(start), "-t", str(seconds), "-i", str(source)]
    arguments += ["-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=15,format=yuv420p",
                  "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "600k", "-an", "-f", "webm", str(path)]
    subprocess.run(arguments, check=True)
    return Path(path).read_bytes()


def jpeg(source, width=640):
    """A JPEG of the image scaled to `width` (frames for the live WebSocket)."""
    with tempfile.TemporaryDirectory(prefix="proctor-frame-") as folder:
        out = Path(folder) / "frame.jpg"
        subprocess.run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-i", str(source), "-vf", f"scale={width}:-2", "-q:v", "4", str(out)], check=True)
        return out.read_bytes()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------ WebSocket

class WebSocketRefused(Exception):
    def __init__(self, status, headers, body):
        super().__init__(f"handshake answered {status}")
        self.status, self.headers, self.body = status, headers, body


class WebSocket:
    """A minimal RFC 6455 client (text and binary messages, ping/pong, close) for the live protocol.
    After the server's close frame, `close_code` and `close_reason` hold what it said."""

    def __init__(self, port, path, headers=None, timeout=30):
        self.close_code, self.close_reason = None, None
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed during the handshake")
            data += chunk
        head, self.buffer = data.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        if self.status != 101:
            length = int(self.headers.get("content-length", "0") or 0)
            while len(self.buffer) < length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.buffer += chunk
            self.sock.close()
            raise WebSocketRefused(self.status, self.headers, self.buffer[:length] if length else self.buffer)
        expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        if self.headers.get("sec-websocket-accept") != expected:
            raise ConnectionError("bad Sec-WebSocket-Accept")
        self.closed = False

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text):
        self._send_frame(0x1, text.encode() if isinstance(text, str) else text)

    def send_json(self, obj):
        self.send_text(json.dumps(obj))

    def send_binary(self, data):
        self._send_frame(0x2, data)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def recv(self, timeout=30):
        """The next text message (str), binary message (bytes), or None once closed."""
        self.sock.settimeout(timeout)
        message, message_opcode = b"", None
        while True:
            first, second = self._read(2)
            opcode, fin = first & 0x0F, first & 0x80
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                self.close_reason = payload[2:].decode("utf-8", "replace")
                if not self.closed:
                    try:
                        self._send_frame(0x8, payload[:2])
                    except OSError:
                        pass
                self.closed = True
                return None
            if opcode in (0x1, 0x2):
                message_opcode = opcode
            message += payload
            if fin:
                return message.decode() if message_opcode == 0x1 else message

    def recv_json(self, timeout=30):
        message = self.recv(timeout)
        if message is None:
            return None
        return json.loads(message)

    def close(self):
        if not self.closed:
            try:
                self._send_frame(0x8, struct.pack("!H", 1000))
            except OSError:
                pass
            self.closed = True
        self.sock.close()


# ------------------------------------------------------------------------------------------ the OpenAPI document

ANNOTATIONS = {"nullable", "example", "examples", "readOnly", "writeOnly", "discriminator", "xml", "externalDocs", "deprecated"}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def to_json_schema(node):
    """OpenAPI 3.0 schema object → JSON Schema (draft 4): `nullable: true` becomes `anyOf [schema, null]`."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items() if key not in ANNOTATIONS and not key.startswith("x-")}
    # Keys that hold names, not schemas, are copied as they are.
    if "properties" in node:
        out["properties"] = {name: to_json_schema(value) for name, value in node["properties"].items()}
    if "required" in node:
        out["required"] = list(node["required"])
    if "enum" in node:
        out["enum"] = list(node["enum"])
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


format_checker = jsonschema.FormatChecker(formats=())


@format_checker.checks("date-time")
def _date_time(value):
    return not isinstance(value, str) or bool(DATE_TIME.match(value))


class Spec:
    def __init__(self, path=SPEC_PATH):
        self.path = Path(path)
        self.document = yaml.safe_load(self.path.read_text())
        self.components = {"schemas": {name: to_json_schema(schema) for name, schema in self.document["components"]["schemas"].items()}}

    def validate_document(self):
        from openapi_spec_validator import validate
        validate(self.document)

    def operations(self):
        """Every (METHOD, path template) in the document."""
        return [(method.upper(), path) for path, item in self.document["paths"].items() for method in item if method in METHODS]

    def operation(self, method, path):
        return self.document["paths"][path][method.lower()]

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            parts = node["$ref"].lstrip("#/").split("/")
            node = self.document
            for part in parts:
                node = node[part]
        return node

    def response(self, method, path, status):
        """The response object for a status (or its `NXX` range or `default`), or None when undocumented."""
        responses = self.operation(method, path)["responses"]
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                return self.resolve(responses[key])
        return None

    def validator(self, schema):
        """A validator for an OpenAPI schema object (inline or `$ref`) from this document."""
        root = {"allOf": [to_json_schema(schema)], "components": self.components}
        return jsonschema.Draft4Validator(root, format_checker=format_checker)

    def named(self, name):
        return self.validator({"$ref": f"#/components/schemas/{name}"})


def schema_errors(validator, instance, limit=5):
    """Readable schema violations: 'path: message', the most specific first."""
    errors = sorted(validator.iter_errors(instance), key=lambda e: (-len(list(e.absolute_path)), str(e.message)))
    out = []
    for error in errors[:limit]:
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        # For anyOf/allOf the useful reason sits in the context; take the deepest one.
        if error.context:
            deepest = max(error.context, key=lambda e: len(list(e.absolute_path)))
            where = "/".join(str(p) for p in deepest.absolute_path) or where
            out.append(f"{where}: {deepest.message[:200]}")
        else:
            out.append(f"{where}: {error.message[:200]}")
    return out
