#!/usr/bin/env python3
"""The HTTP API against docs/openapi.yaml, with real requests to a real server.

Validates the document itself (openapi-spec-validator), starts `proctor serve` on a free port with a
fresh data folder, and walks every operation of the document: staff accounts, a recorded session as
the candidate does it (consent, reference photo, the gaze calibration step from the labelled webcam
clip's frames and its refusals, real webm chunks, end), the worker's findings,
decisions, evidence, the video with Range, the report, accommodations, the audit log, the dashboard,
the exam page's client events (HTTP, a text/plain beacon, the WebSocket) and the browser findings
they make, a live WebSocket session (welcome, analyses, pong, errors, end) with its findings, the
live list, feed and snapshot, refused handshakes (accepted, one error message, close 1008 with the
code; the same refusals as plain HTTP statuses, 426 without an upgrade), a second server without
models (503), the pages, the candidate SDK (loader, modules, stylesheet; CORS for the allowed exam
site, 403 for another origin), and errors (400, 401, 403, 404, 409, 413, 416, 422, 426, 429).

Each answer is checked against the operation's response for its status: the status must be
documented, the content type must be one the document names, and a JSON body must match the
schema. One line per check, then `contract: N passed, M failed`. Fails too when an operation of the
document was never exercised. Run by scripts/test.sh; alone:

    vendor/venv/bin/python Tests/Contract/contract_test.py --binary .build/debug/proctor
"""
import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.dont_write_bytecode = True  # nothing written into the checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import Spec, Server, WebSocket, WebSocketRefused, json_of, request, schema_errors, wait_for  # noqa: E402

# What the SDK sends (`browser_activity` too; the server needs the first three).
CONSENT = {"notice_version": "contract-1", "items": ["webcam_frames", "video_chunks", "reference_photo", "browser_activity", "microphone"]}
# An exam site allowed to embed the SDK (server.allowed_origins), and one that is not.
EXAM_ORIGIN = "https://exam.example"
FOREIGN_ORIGIN = "http://evil.example"


class Contract:
    def __init__(self, spec, server):
        self.spec, self.server = spec, server
        self.passed, self.failed = 0, 0
        self.failures = []
        self.exercised = set()

    def report(self, ok, line, reason=""):
        if ok:
            self.passed += 1
            print(f"PASS {line}", flush=True)
        else:
            self.failed += 1
            self.failures.append(f"{line}: {reason}")
            print(f"FAIL {line}: {reason}", flush=True)

    def call(self, method, template, expect, *, path=None, token=None, body=None, headers=None, query="", note="", timeout=60, server=None):
        """Sends one request for the operation `method template` (to `server`, else the scenario's) and
        checks the answer against the document."""
        values = path or {}
        url = template
        for name, value in values.items():
            url = url.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
        url += query
        self.exercised.add((method, template))
        status, response_headers, raw = request((server or self.server).base, method, url, token=token, body=body, headers=headers, timeout=timeout)
        self.check(method, template, status, response_headers, raw, expect, note)
        return status, response_headers, raw

    def check(self, method, template, status, headers, raw, expect, note=""):
        line = f"{method} {template} -> {status}" + (f" ({note})" if note else "")
        expected = expect if isinstance(expect, (list, tuple, set)) else [expect]
        problems = []
        if status not in expected:
            problems.append(f"expected {'/'.join(map(str, expected))}, got {status}: {raw[:300].decode('utf-8', 'replace')}")
        response = self.spec.response(method, template, status)
        if response is None:
            problems.append(f"status {status} is not documented for {method} {template}")
        else:
            problems += self.body_problems(response, headers, raw)
        self.report(not problems, line, "; ".join(problems))
        return not problems

    def body_problems(self, response, headers, raw):
        content = response.get("content")
        if not content:
            return []
        media = (headers.get("content-type") or "").split(";")[0].strip().lower()
        if media not in content:
            return [f"content type {media or '(none)'} is not among {sorted(content)}"]
        schema = content[media].get("schema")
        if media == "application/json":
            try:
                body = json.loads(raw)
            except ValueError as error:
                return [f"body is not JSON ({error}): {raw[:200]!r}"]
            if schema is None:
                return []
            errors = schema_errors(self.spec.validator(schema), body)
            return [f"schema: {e}" for e in errors]
        if media == "image/jpeg" and not raw.startswith(b"\xff\xd8"):
            return ["body is not a JPEG"]
        if media == "video/webm" and raw and not raw.startswith(b"\x1a\x45\xdf\xa3") and "content-range" not in headers:
            return ["body is not a webm file"]
        return []

    def message(self, name, obj, label):
        """A WebSocket message or SSE payload against a named component schema."""
        errors = schema_errors(self.spec.named(name), obj)
        self.report(not errors, f"{label} ({name})", "; ".join(f"schema: {e}" for e in errors))

    def coverage(self):
        missing = [f"{m} {p}" for m, p in self.spec.operations() if (m, p) not in self.exercised]
        for operation in missing:
            self.report(False, f"{operation}", "operation in docs/openapi.yaml was not exercised")
        return missing


def read_feed(base, token, timeout=20):
    """The first `event: sessions` of the live feed with a session in it: (status, headers, payloads)."""
    req = urllib.request.Request(base + "/api/live/feed", headers={"Authorization": f"Bearer {token}"})
    payloads = []
    deadline = time.time() + timeout
    with urllib.request.urlopen(req, timeout=timeout) as stream:
        headers = {k.lower(): v for k, v in stream.headers.items()}
        event = None
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "sessions":
                payload = json.loads(line[5:])
                payloads.append(payload)
                if payload.get("sessions"):
                    break
            if time.time() > deadline:
                break
        return stream.status, headers, payloads


def run(binary):
    spec = Spec()
    spec.validate_document()
    print(f"[contract] {spec.path.relative_to(common.ROOT)} is valid OpenAPI {spec.document['openapi']}: "
          f"{len(spec.operations())} operations, {len(spec.document['components']['schemas'])} schemas", flush=True)
    server = Server(binary, env={
        # Fast password hashing for the test accounts (the hash names its parameters), quick finalization.
        "PROCTOR_AUTH__SCRYPT_COST_LOG2": "12",
        "PROCTOR_AUTH__LOGIN_ATTEMPTS_PER_MINUTE": "30",
        "PROCTOR_RECORDING__FINALIZE_GRACE_SECONDS": "3",
        "PROCTOR_RECORDING__BATCH_SIZE": "2",
        "PROCTOR_SERVER__REQUESTS_PER_MINUTE": "100000",
        "PROCTOR_SERVER__ALLOWED_ORIGINS": json.dumps([EXAM_ORIGIN]),
    })
    server.start()
    print(f"[contract] server on {server.base} (log {server.log_path})", flush=True)
    c = Contract(spec, server)
    try:
        scenario(c, server)
    except Exception:  # a broken scenario is a failure, reported with what it got to
        c.report(False, "scenario", traceback.format_exc().strip().splitlines()[-1])
        traceback.print_exc()
        print(server.log_tail(), file=sys.stderr)
    finally:
        server.stop()
    try:
        models_unavailable(c, binary)
    except Exception:
        c.report(False, "models unavailable", traceback.format_exc().strip().splitlines()[-1])
        traceback.print_exc()
    if c.failed == 0:
        server.cleanup()
    else:
        print(f"[contract] server data and log kept in {server.work}")
    missing = c.coverage()
    if c.failures:
        print("\n[contract] failures:")
        for failure in c.failures:
            print(f"  - {failure}")
    print(f"[contract] {len(spec.operations()) - len(missing)} of {len(spec.operations())} operations exercised")
    print(f"contract: {c.passed} passed, {c.failed} failed", flush=True)
    return 0 if c.failed == 0 else 1


def scenario(c, server):
    base = server.base
    unique = uuid.uuid4().hex[:8]

    # ---------------------------------------------------------------- status, public
    c.call("GET", "/", 200)
    c.call("GET", "/health", 200)
    c.call("GET", "/metrics", 401, note="no login: metrics are closed by default")

    # ---------------------------------------------------------------- auth
    _, headers, raw = c.call("POST", "/api/auth/login", 200, body={"username": common.ADMIN, "password": common.PASSWORD})
    admin = json_of(raw).get("token")
    c.report("proctor_auth=" in headers.get("set-cookie", "") and "HttpOnly" in headers.get("set-cookie", ""),
             "POST /api/auth/login sets the HttpOnly proctor_auth cookie", headers.get("set-cookie", "(none)"))
    c.call("POST", "/api/auth/login", 401, body={"username": common.ADMIN, "password": "not the password"}, note="wrong password")
    c.call("POST", "/api/auth/login", 401, body={"username": "nobody-" + unique, "password": "whatever password"}, note="unknown user")
    c.call("POST", "/api/auth/login", 400, body={"username": common.ADMIN}, note="missing field")
    c.call("POST", "/api/auth/login", 400, body=b"{not json", headers={"Content-Type": "application/json"}, note="malformed JSON")
    c.call("POST", "/api/auth/login", 413, body={"username": "x" * 70000, "password": "y"}, note="body over 64 KiB")
    c.call("GET", "/api/auth/me", 200, token=admin)
    c.call("GET", "/metrics", 200, token=admin, note="a staff login")
    c.call("GET", "/api/auth/me", 200, headers={"Cookie": f"proctor_auth={admin}"}, note="cookie")
    c.call("GET", "/api/auth/me", 401, note="no token")
    c.call("GET", "/api/auth/me", 401, token="not.a.token", note="invalid token")

    # ---------------------------------------------------------------- accounts
    _, _, raw = c.call("POST", "/api/users", 201, token=admin, body={"username": f"proctor-{unique}", "password": "proctor password 1", "role": "proctor"})
    proctor_id = json_of(raw).get("id")
    _, _, raw = c.call("POST", "/api/users", 201, token=admin, body={"username": f"reviewer-{unique}", "password": "reviewer password 1", "role": "reviewer"})
    c.call("POST", "/api/users", 409, token=admin, body={"username": f"reviewer-{unique}", "password": "reviewer password 1", "role": "reviewer"}, note="username taken")
    c.call("POST", "/api/users", 400, token=admin, body={"username": f"weak-{unique}", "password": "short", "role": "reviewer"}, note="weak password")
    c.call("POST", "/api/users", 400, token=admin, body={"username": f"cand-{unique}", "password": "candidate password", "role": "candidate"}, note="candidate role")
    c.call("POST", "/api/users", 400, token=admin, body={"username": "a b", "password": "some password 1", "role": "proctor"}, note="bad username")
    c.call("POST", "/api/users", 400, token=admin, body={"username": f"x-{unique}", "password": "some password 1", "role": "overlord"}, note="unknown role")
    c.call("POST", "/api/users", 401, body={"username": f"x-{unique}", "password": "some password 1", "role": "proctor"}, note="no token")
    reviewer = common.login(base, f"reviewer-{unique}", "reviewer password 1")
    proctor = common.login(base, f"proctor-{unique}", "proctor password 1")
    c.call("POST", "/api/users", 403, token=reviewer, body={"username": f"x-{unique}", "password": "some password 1", "role": "proctor"}, note="reviewer")
    _, _, raw = c.call("GET", "/api/users", 200, token=admin)
    admin_id = next((u["id"] for u in json_of(raw).get("users", []) if u.get("username") == common.ADMIN), None)
    c.call("GET", "/api/users", 403, token=reviewer, note="reviewer")
    c.call("GET", "/api/users", 401, note="no token")
    c.call("PATCH", "/api/users/{id}", 200, path={"id": proctor_id}, token=admin, body={"disabled": True})
    c.call("GET", "/api/auth/me", 401, token=proctor, note="disabled account")
    c.call("PATCH", "/api/users/{id}", 200, path={"id": proctor_id}, token=admin, body={"disabled": False, "role": "proctor", "password": "proctor password 2"})
    proctor = common.login(base, f"proctor-{unique}", "proctor password 2")
    c.call("PATCH", "/api/users/{id}", 409, path={"id": admin_id}, token=admin, body={"disabled": True}, note="self lockout")
    c.call("PATCH", "/api/users/{id}", 404, path={"id": "no-such-user"}, token=admin, body={"disabled": False})
    c.call("PATCH", "/api/users/{id}", 400, path={"id": proctor_id}, token=admin, body={"password": "short"}, note="weak password")
    c.call("PATCH", "/api/users/{id}", 400, path={"id": proctor_id}, token=admin, body={"disabled": "yes"}, note="wrong type")
    c.call("PATCH", "/api/users/{id}", 403, path={"id": proctor_id}, token=reviewer, body={"disabled": True}, note="reviewer")

    # ---------------------------------------------------------------- status with a login
    c.call("GET", "/ws/sessions", 200, token=proctor)
    c.call("GET", "/ws/sessions", 401, note="no token")
    c.call("GET", "/ws/sessions", 403, token=reviewer, note="reviewer")
    _, _, raw = c.call("GET", "/ws/pipeline/info", 200, token=admin)
    info = json_of(raw)
    eyes = (info.get("detectors") or {}).get("eyes") or {}
    c.report(eyes.get("model") == "iris_landmark.onnx" and eyes.get("enabled") is True and eyes.get("risk_weight") == info.get("pipeline", {}).get("risk", {}).get("eyes_off_screen")
             and (info.get("pipeline", {}).get("gaze", {}).get("eyes") or {}).get("model") == "iris_landmark.onnx",
             "GET /ws/pipeline/info describes the iris (detectors.eyes, pipeline.gaze.eyes, the eyes_off_screen weight)", json.dumps(eyes)[:300])
    risk = (info.get("pipeline") or {}).get("risk") or {}
    low_light = ((info.get("pipeline") or {}).get("preprocessing") or {}).get("low_light") or {}
    c.report(risk.get("poor_lighting") == 0 and risk.get("no_face_poor_lighting_scale") == 0.5
             and ((info.get("pipeline") or {}).get("risk_scorer") or {}).get("weights", {}).get("poor_lighting") == 0
             and low_light.get("enabled") is True and low_light.get("poor_luma", 0) > 0,
             "GET /ws/pipeline/info: poor_lighting weighs 0, a no_face in it half, and the light rule is described", json.dumps({"risk": risk, "low_light": low_light})[:300])
    c.call("GET", "/ws/pipeline/info", 403, token=reviewer, note="reviewer")

    # ---------------------------------------------------------------- pages
    c.call("GET", "/login", 200)
    c.call("GET", "/admin", 200)
    c.call("GET", "/admin/sessions/{id}", 200, path={"id": "any"})
    c.call("GET", "/exam/{session_id}", 200, path={"session_id": "any"})
    c.call("GET", "/static/css/{file}", 200, path={"file": "app.css"})
    c.call("GET", "/static/css/{file}", 404, path={"file": "missing.css"})
    c.call("GET", "/static/js/{folder}/{file}", 200, path={"folder": "shared", "file": "api.js"})
    c.call("GET", "/static/js/{folder}/{file}", 200, path={"folder": "admin", "file": "main.js"}, note="admin")
    c.call("GET", "/static/js/{folder}/{file}", 404, path={"folder": "shared", "file": "missing.js"})
    c.call("GET", "/static/js/{folder}/{file}", 404, path={"folder": "exam", "file": "main.js"}, note="the exam page's old modules are gone")
    c.call("GET", "/static/js/{file}", 200, path={"file": "exam-host.js"})
    c.call("GET", "/static/js/{file}", 404, path={"file": "missing.js"})
    sdk_checks(c)

    # ---------------------------------------------------------------- a recorded session, as the candidate's page does it
    _, _, raw = c.call("POST", "/api/sessions", 201, token=admin, body={"exam_id": "contract-exam", "candidate_id": f"cand-{unique}", "chunk_seconds": 3})
    created = json_of(raw)
    sid, first_token = created.get("id"), created.get("upload_token")
    c.call("POST", "/api/sessions", 400, token=admin, body={"exam_id": "", "candidate_id": "c"}, note="empty exam_id")
    c.call("POST", "/api/sessions", 400, token=admin, body={"exam_id": "e", "candidate_id": "c", "chunk_seconds": 0}, note="chunk_seconds 0")
    c.call("POST", "/api/sessions", 400, token=admin, body={"exam_id": "e"}, note="missing candidate_id")
    c.call("POST", "/api/sessions", 403, token=reviewer, body={"exam_id": "e", "candidate_id": "c"}, note="reviewer")
    c.call("POST", "/api/sessions", 401, body={"exam_id": "e", "candidate_id": "c"}, note="no token")
    c.call("POST", "/api/sessions", 413, token=admin, body={"exam_id": "e" * 70000, "candidate_id": "c"}, note="body over 64 KiB")
    _, _, raw = c.call("POST", "/api/sessions/{id}/invitation", 200, path={"id": sid}, token=admin)
    candidate = json_of(raw).get("upload_token")
    c.call("POST", "/api/sessions/{id}/invitation", 404, path={"id": "no-such-session"}, token=admin)
    c.call("POST", "/api/sessions/{id}/invitation", 403, path={"id": sid}, token=reviewer, note="reviewer")
    c.call("GET", "/api/sessions/{id}/candidate", 401, path={"id": sid}, token=first_token, note="replaced invitation")
    c.call("GET", "/api/sessions/{id}/candidate", 200, path={"id": sid}, token=candidate)
    c.call("GET", "/api/sessions/{id}/candidate", 401, path={"id": sid}, note="no token")
    c.call("GET", "/api/sessions/{id}/candidate", 403, path={"id": sid}, token=admin, note="staff")

    # A second session: its token may not touch the first; before consent its live socket is refused.
    _, _, raw = c.call("POST", "/api/sessions", 201, token=admin, body={"exam_id": "contract-exam", "candidate_id": f"other-{unique}"})
    other = json_of(raw)
    c.call("GET", "/api/sessions/{id}/candidate", 403, path={"id": sid}, token=other.get("upload_token"), note="another session's invitation")

    reference_ok = common.single_face_images()
    empty_room = common.testdata_file("no_face", lambda g: g.get("persons") == 0)
    group = common.testdata_file("objects_people", lambda g: g.get("multiple_people") is True and g.get("cell_phone") == 0 and (g.get("persons") or 0) <= 4)
    c.call("POST", "/api/sessions/{id}/reference", 403, path={"id": sid}, token=candidate, body=reference_ok[0].read_bytes(),
           headers={"Content-Type": "image/jpeg"}, note="before consent")
    c.call("POST", "/api/sessions/{id}/consent", 400, path={"id": sid}, token=candidate, body={"notice_version": "1", "items": ["webcam_frames"]}, note="incomplete")
    c.call("POST", "/api/sessions/{id}/consent", 400, path={"id": sid}, token=candidate, body={"notice_version": "", "items": CONSENT["items"]}, note="empty notice_version")
    c.call("POST", "/api/sessions/{id}/consent", 400, path={"id": sid}, token=candidate, body={"items": CONSENT["items"]}, note="missing notice_version")
    c.call("POST", "/api/sessions/{id}/consent", 200, path={"id": sid}, token=candidate, body=CONSENT)
    c.call("POST", "/api/sessions/{id}/consent", 403, path={"id": sid}, token=admin, body=CONSENT, note="staff")
    c.call("POST", "/api/sessions/{id}/reference", 422, path={"id": sid}, token=candidate, body=common.jpeg(empty_room),
           headers={"Content-Type": "image/jpeg"}, note="no face")
    c.call("POST", "/api/sessions/{id}/reference", 422, path={"id": sid}, token=candidate, body=b"this is not an image",
           headers={"Content-Type": "image/jpeg"}, note="not an image")
    c.call("POST", "/api/sessions/{id}/reference", 401, path={"id": sid}, body=b"x", headers={"Content-Type": "image/jpeg"}, note="no token")
    enrolled = False
    for image in reference_ok:
        status, _, _ = c.call("POST", "/api/sessions/{id}/reference", [200, 422], path={"id": sid}, token=candidate, body=image.read_bytes(),
                              headers={"Content-Type": "image/jpeg"}, note=image.name)
        if status == 200:
            enrolled = True
            break
    c.report(enrolled, "a single-face image from labels.json is accepted as the reference", "none of " + ", ".join(p.name for p in reference_ok))

    # The optional gaze calibration step, measured by the server.
    calibration_checks(c, sid, candidate, other, admin, reviewer, empty_room)

    # Chunks: the candidate alone, three people, an empty room (3 s each).
    work = server.work
    video = common.TESTDATA / "video" / "webcam_gaze_center_left_center.mp4"
    chunks = [common.make_chunk(work / "c0.webm", video, 3),
              common.make_chunk(work / "c1.webm", group, 3, still=True),
              common.make_chunk(work / "c2.webm", empty_room, 3, still=True)]
    started = int(time.time() * 1000)
    webm = {"Content-Type": "video/webm"}
    c.call("PUT", "/api/sessions/{id}/chunks/{index}", 403, path={"id": other["id"], "index": 0}, token=other.get("upload_token"), body=chunks[0],
           headers={**webm, "X-Chunk-SHA256": common.sha256(chunks[0])}, note="before consent")
    for index, chunk in enumerate(chunks):
        c.call("PUT", "/api/sessions/{id}/chunks/{index}", 201, path={"id": sid, "index": index}, token=candidate, body=chunk,
               headers={**webm, "X-Chunk-SHA256": common.sha256(chunk), "X-Chunk-Started-At": str(started + index * 3000)})
    c.call("PUT", "/api/sessions/{id}/chunks/{index}", 200, path={"id": sid, "index": 0}, token=candidate, body=chunks[0],
           headers={**webm, "X-Chunk-SHA256": common.sha256(chunks[0])}, note="duplicate")
    c.call("PUT", "/api/sessions/{id}/chunks/{index}", 409, path={"id": sid, "index": 0}, token=candidate, body=chunks[1],
           headers={**webm, "X-Chunk-SHA256": common.sha256(chunks[1])}, note="different bytes")
    c.call("PUT", "/api/sessions/{id}/chunks/{index}", 400, path={"id": sid, "index": 7}, token=candidate, body=chunks[1],
           headers={**webm, "X-Chunk-SHA256": common.sha256(chunks[0])}, note="checksum mismatch")
    c.call("PUT", "/api/sessions/{id}/chunks/{index}", 400, path={"id": sid, "index": 7}, token=candidate, body=chunks[1], headers=webm, note="no checksum header")
    c.call("PUT", "/api/sessions/{id}/chunks/{index}", 400, path={"id": sid, "index": "minus-one"}, token=candidate, body=chunks[1],
           headers={**webm, "X-Chunk-SHA256": common.sha256(chunks[1])}, note="index not a number")
    c.call("PUT", "/api/sessions/{id}/chunks/{index}", 401, path={"id": sid, "index": 9}, body=chunks[1], headers={**webm, "X-Chunk-SHA256": common.sha256(chunks[1])}, note="no token")
    c.call("GET", "/api/sessions/{id}/chunks", 200, path={"id": sid}, token=candidate, note="candidate")
    c.call("GET", "/api/sessions/{id}/chunks", 200, path={"id": sid}, token=reviewer, note="reviewer")
    c.call("GET", "/api/sessions/{id}/chunks", 404, path={"id": "no-such-session"}, token=reviewer)
    c.call("GET", "/api/sessions/{id}/chunks", 401, path={"id": sid}, note="no token")

    # The exam page's own events over HTTP (and a beacon).
    client_event_checks(c, sid, candidate, other, started)

    # The live WebSocket of the recorded session (the candidate's own, after consent), with client events.
    live_checks_for_candidate(c, server, sid, candidate, other)

    c.call("POST", "/api/sessions/{id}/end", 202, path={"id": sid}, token=candidate, body={"last_index": 2})
    c.call("POST", "/api/sessions/{id}/end", 202, path={"id": sid}, token=candidate, note="again, no body")
    c.call("POST", "/api/sessions/{id}/end", 401, path={"id": sid}, note="no token")
    c.call("POST", "/api/sessions/{id}/end", 403, path={"id": sid}, token=admin, note="staff")
    c.call("POST", "/api/sessions/{id}/invitation", 409, path={"id": sid}, token=admin, note="after the end")
    status, _, raw = c.call("POST", "/api/sessions/{id}/calibration", 409, path={"id": sid}, token=candidate,
                            body=calibration_body({"center": [common.jpeg(reference_ok[0])] * 2}), note="after the end")
    if status == 409:
        c.report(json_of(raw).get("code") == "session_ended", "POST /api/sessions/{id}/calibration (after the end) code session_ended", raw[:200].decode("utf-8", "replace"))

    # ---------------------------------------------------------------- a live session opened by staff
    live_id, violations = live_session(c, server, admin, proctor, group, empty_room, reference_ok[0])

    # ---------------------------------------------------------------- the worker's findings
    def finalized():
        status, _, raw = request(base, "GET", f"/api/sessions/{sid}/events", token=reviewer)
        body = json_of(raw)
        return body if status == 200 and body.get("finalized") and body.get("video_duration") else None
    events = wait_for(finalized, 240, 2)
    c.report(bool(events), "recorded session finalized by the embedded worker within 240 s", "not finalized")
    _, _, raw = c.call("GET", "/api/sessions/{id}/events", 200, path={"id": sid}, token=reviewer)
    items = json_of(raw).get("events", [])
    listed_incidents = json_of(raw).get("incidents", [])
    c.report(bool(items), "the recorded session has findings (three people, empty room)", json.dumps(json_of(raw))[:300])
    browser_findings_checks(c, sid, reviewer, items)
    _, _, raw = c.call("POST", "/api/sessions/{id}/client-events", 409, path={"id": sid}, token=candidate,
                       body={"events": [{"id": "late-1", "event": "context_menu", "at": int(time.time() * 1000)}]}, note="finalized")
    c.report(json_of(raw).get("code") == "session_finalized", "client events after finalization: session_finalized", raw[:200].decode("utf-8", "replace"))
    c.call("GET", "/api/sessions/{id}/events", 404, path={"id": "no-such-session"}, token=reviewer)
    c.call("GET", "/api/sessions/{id}/events", 401, path={"id": sid}, note="no token")
    c.call("GET", "/api/sessions/{id}/events", 403, path={"id": sid}, token=candidate, note="candidate")
    if items:
        eid = items[0]["id"]
        c.call("PATCH", "/api/sessions/{id}/events/{eid}", 200, path={"id": sid, "eid": eid}, token=reviewer, body={"decision": "confirmed", "note": "seen on the video"})
        c.call("PATCH", "/api/sessions/{id}/events/{eid}", 200, path={"id": sid, "eid": eid}, token=reviewer, body={"decision": None, "note": None}, note="nulls change nothing")
        c.call("PATCH", "/api/sessions/{id}/events/{eid}", 400, path={"id": sid, "eid": eid}, token=reviewer, body={"decision": "maybe"}, note="bad decision")
        c.call("PATCH", "/api/sessions/{id}/events/{eid}", 400, path={"id": sid, "eid": eid}, token=reviewer, body={"note": "n" * 4001}, note="note too long")
        c.call("PATCH", "/api/sessions/{id}/events/{eid}", 400, path={"id": sid, "eid": eid}, token=reviewer, body=b"[", headers={"Content-Type": "application/json"}, note="malformed JSON")
        c.call("PATCH", "/api/sessions/{id}/events/{eid}", 403, path={"id": sid, "eid": eid}, token=candidate, body={"decision": "dismissed"}, note="candidate")
        with_evidence = next((e for e in items if e.get("evidence_url")), None)
        if with_evidence:
            c.call("GET", "/api/sessions/{id}/events/{eid}/evidence", 200, path={"id": sid, "eid": with_evidence["id"]}, token=reviewer)
        else:
            c.report(False, "a recorded finding has evidence", json.dumps(items)[:300])
    c.call("PATCH", "/api/sessions/{id}/events/{eid}", 404, path={"id": sid, "eid": "no-such-finding"}, token=reviewer, body={"decision": "dismissed"})
    # Incidents (findings that overlap in time: three people in view are multiple_people and identity_mismatch at once).
    on_video = [i for i in listed_incidents if i.get("start") is not None]
    if on_video:
        iid = on_video[0]["id"]
        _, _, decided = c.call("PATCH", "/api/sessions/{id}/incidents/{iid}", 200, path={"id": sid, "iid": iid}, token=reviewer,
                               body={"decision": "confirmed", "note": "one incident"})
        found = json_of(decided).get("findings", [])
        c.report(sorted(f["id"] for f in found) == sorted(on_video[0]["finding_ids"]) and all(f["note"] == "one incident" for f in found),
                 "PATCH …/incidents/{iid} decides every finding of the incident, with the note", decided[:300].decode("utf-8", "replace"))
        c.call("PATCH", "/api/sessions/{id}/incidents/{iid}", 400, path={"id": sid, "iid": iid}, token=reviewer, body={"decision": "maybe"}, note="bad decision")
        c.call("PATCH", "/api/sessions/{id}/incidents/{iid}", 403, path={"id": sid, "iid": iid}, token=candidate, body={"decision": "dismissed"}, note="candidate")
    else:
        print(f"note: the recorded session has no incident on the video ({[e['type'] for e in items]}); PATCH …/incidents/{{iid}} is checked for 404 and 401 only", flush=True)
    c.call("PATCH", "/api/sessions/{id}/incidents/{iid}", 404, path={"id": sid, "iid": "incident-none"}, token=reviewer, body={"decision": "dismissed"})
    c.call("PATCH", "/api/sessions/{id}/incidents/{iid}", 401, path={"id": sid, "iid": "incident-none"}, body={"decision": "dismissed"}, note="no token")
    c.call("GET", "/api/sessions/{id}/events/{eid}/evidence", 404, path={"id": sid, "eid": "no-such-finding"}, token=reviewer)
    c.call("GET", "/api/sessions/{id}/events/{eid}/evidence", 401, path={"id": sid, "eid": "x"}, note="no token")

    # ---------------------------------------------------------------- video with Range
    _, headers, raw = c.call("GET", "/api/sessions/{id}/video", 200, path={"id": sid}, token=reviewer)
    size = len(raw)
    c.report(headers.get("accept-ranges") == "bytes" and size > 0, "GET /api/sessions/{id}/video: Accept-Ranges bytes, whole file", f"{headers} {size}")
    _, headers, raw = c.call("GET", "/api/sessions/{id}/video", 206, path={"id": sid}, token=reviewer, headers={"Range": "bytes=0-99"}, note="bytes=0-99")
    c.report(len(raw) == 100 and headers.get("content-range") == f"bytes 0-99/{size}", "206 carries bytes 0-99 and Content-Range",
             f"{len(raw)} bytes, Content-Range {headers.get('content-range')}")
    _, headers, raw = c.call("GET", "/api/sessions/{id}/video", 206, path={"id": sid}, token=reviewer, headers={"Range": "bytes=-50"}, note="suffix range")
    c.report(len(raw) == min(50, size), "206 suffix range length", f"{len(raw)}")
    _, headers, _ = c.call("GET", "/api/sessions/{id}/video", 416, path={"id": sid}, token=reviewer, headers={"Range": f"bytes={size + 10}-"}, note="beyond the end")
    c.report(headers.get("content-range") == f"bytes */{size}", "416 carries Content-Range bytes */size", str(headers.get("content-range")))
    c.call("GET", "/api/sessions/{id}/video", 404, path={"id": other["id"]}, token=reviewer, note="not merged")
    c.call("GET", "/api/sessions/{id}/video", 401, path={"id": sid}, note="no token")

    # ---------------------------------------------------------------- review, session, report, dashboard
    c.call("GET", "/api/sessions/{id}/review", 200, path={"id": sid}, token=reviewer, note="recorded")
    c.call("GET", "/api/sessions/{id}/review", 200, path={"id": live_id}, token=reviewer, note="live")
    c.call("GET", "/api/sessions/{id}/review", 404, path={"id": "no-such-session"}, token=reviewer)
    c.call("GET", "/api/sessions/{id}/review", 403, path={"id": sid}, token=candidate, note="candidate")
    c.call("GET", "/api/sessions/{id}", 200, path={"id": sid}, token=reviewer, note="recorded")
    c.call("GET", "/api/sessions/{id}", 404, path={"id": "no-such-session"}, token=reviewer)
    c.call("GET", "/api/sessions/{id}", 401, path={"id": sid}, note="no token")
    _, headers, _ = c.call("GET", "/api/sessions/{id}/report", 200, path={"id": sid}, token=reviewer, note="default json")
    c.report("attachment" in headers.get("content-disposition", ""), "report is an attachment", str(headers.get("content-disposition")))
    c.call("GET", "/api/sessions/{id}/report", 200, path={"id": sid}, token=reviewer, query="?format=json", note="json")
    _, headers, raw = c.call("GET", "/api/sessions/{id}/report", 200, path={"id": sid}, token=reviewer, query="?format=csv", note="csv")
    header_line = raw.decode("utf-8", "replace").split("\r\n")[0]
    c.report(header_line.startswith("session_id,exam_id,candidate_id,source,finding_id,type"), "CSV report header", header_line)
    c.call("GET", "/api/sessions/{id}/report", 400, path={"id": sid}, token=reviewer, query="?format=xml", note="unknown format")
    c.call("GET", "/api/sessions/{id}/report", 404, path={"id": "no-such-session"}, token=reviewer)
    c.call("PATCH", "/api/sessions/{id}", 200, path={"id": sid}, token=reviewer, body={"reviewed": True})
    c.call("PATCH", "/api/sessions/{id}", 200, path={"id": sid}, token=reviewer, body={"reviewed": False}, note="unmark")
    c.call("PATCH", "/api/sessions/{id}", 400, path={"id": sid}, token=reviewer, body={"reviewed": "yes"}, note="wrong type")
    c.call("PATCH", "/api/sessions/{id}", 404, path={"id": "no-such-session"}, token=reviewer, body={"reviewed": True})
    c.call("PATCH", "/api/sessions/{id}", 403, path={"id": sid}, token=candidate, body={"reviewed": True}, note="candidate")
    c.call("GET", "/api/sessions", 200, token=reviewer)
    c.call("GET", "/api/sessions", 200, token=reviewer, query="?limit=1&offset=1", note="limit, offset")
    c.call("GET", "/api/sessions", 401, note="no token")
    c.call("GET", "/api/sessions", 403, token=candidate, note="candidate")
    c.call("GET", "/api/dashboard/sessions", 200, token=reviewer)
    c.call("GET", "/api/dashboard/sessions", 200, token=reviewer, query="?status=completed&reviewed=no&q=cand", note="filters")
    c.call("GET", "/api/dashboard/sessions", 200, token=reviewer, query="?status=active", note="active")
    c.call("GET", "/api/dashboard/sessions", 400, token=reviewer, query="?status=sideways", note="unknown status")
    c.call("GET", "/api/dashboard/sessions", 401, note="no token")

    # ---------------------------------------------------------------- accommodations, audit
    c.call("PUT", "/api/accommodations", 200, token=admin, body={"candidate_id": f"cand-{unique}", "exam_id": None, "scales": {"looking_away": 0, "no_face": 0.5}, "note": "screen magnifier"})
    c.call("PUT", "/api/accommodations", 200, token=admin, body={"candidate_id": f"cand-{unique}", "exam_id": "contract-exam", "scales": {"no_face": 0.5}, "note": ""}, note="one exam")
    c.call("PUT", "/api/accommodations", 400, token=admin, body={"candidate_id": "c", "scales": {"teleporting": 0}, "note": ""}, note="unknown finding")
    c.call("PUT", "/api/accommodations", 400, token=admin, body={"candidate_id": "c", "scales": {"no_face": 2}, "note": ""}, note="scale above 1")
    c.call("PUT", "/api/accommodations", 400, token=admin, body={"candidate_id": "", "scales": {}, "note": ""}, note="empty candidate_id")
    c.call("PUT", "/api/accommodations", 403, token=reviewer, body={"candidate_id": "c", "scales": {}, "note": ""}, note="reviewer")
    c.call("GET", "/api/accommodations", 200, token=admin)
    c.call("GET", "/api/accommodations", 403, token=proctor, note="proctor")
    c.call("GET", "/api/sessions/{id}/review", 200, path={"id": sid}, token=reviewer, note="with accommodation")
    c.call("GET", "/api/audit", 200, token=admin)
    c.call("GET", "/api/audit", 200, token=admin, query="?action=login&limit=5", note="filtered")
    c.call("GET", "/api/audit", 200, token=admin, query=f"?target={sid}&before=1000000", note="target, before")
    c.call("GET", "/api/audit", 403, token=reviewer, note="reviewer")
    c.call("GET", "/api/audit", 401, note="no token")

    # ---------------------------------------------------------------- findings from every source (the live session's)
    c.call("GET", "/api/sessions/{id}", 200, path={"id": live_id}, token=reviewer, note="live")
    # A live-only session (no recording) has findings too: not finalized, no video, no gaps.
    _, _, raw = c.call("GET", "/api/sessions/{id}/events", 200, path={"id": live_id}, token=reviewer, note="live-only session")
    listed = json_of(raw)
    c.report(listed.get("finalized") is False and listed.get("video_duration", "absent") is None and listed.get("gaps") == []
             and all(e.get("source") == "live" for e in listed.get("events", [])) and len(listed.get("events", [])) >= len(violations),
             "GET /events of a live-only session: finalized false, video_duration null, gaps [], its live findings",
             json.dumps({k: v for k, v in listed.items() if k != "events"}) + f", {len(listed.get('events', []))} events")
    if violations:
        vid = violations[0]["id"]
        c.call("GET", "/api/sessions/{id}/violations/{vid}/evidence", 200, path={"id": live_id, "vid": vid}, token=reviewer)
        c.call("PATCH", "/api/sessions/{id}/events/{eid}", 200, path={"id": live_id, "eid": vid}, token=reviewer, body={"decision": "dismissed", "note": "a colleague"}, note="live finding")
        c.call("GET", "/api/sessions/{id}/events/{eid}/evidence", 200, path={"id": live_id, "eid": vid}, token=reviewer, note="live finding")
    else:
        c.report(False, "the live session has findings with evidence", "none")
    c.call("GET", "/api/sessions/{id}/violations/{vid}/evidence", 404, path={"id": live_id, "vid": "no-such-violation"}, token=reviewer)
    c.call("GET", "/api/sessions/{id}/violations/{vid}/evidence", 401, path={"id": live_id, "vid": "x"}, note="no token")

    # ---------------------------------------------------------------- deletion
    _, _, raw = c.call("POST", "/api/sessions", 201, token=admin, body={"exam_id": "contract-exam", "candidate_id": f"gone-{unique}"})
    doomed, doomed_token = json_of(raw).get("id"), json_of(raw).get("upload_token")
    c.call("DELETE", "/api/sessions/{id}", 403, path={"id": doomed}, token=reviewer, note="reviewer")
    c.call("DELETE", "/api/sessions/{id}", 401, path={"id": doomed}, note="no token")
    c.call("DELETE", "/api/sessions/{id}", 200, path={"id": doomed}, token=admin)
    c.call("DELETE", "/api/sessions/{id}", 404, path={"id": doomed}, token=admin, note="again")
    c.call("POST", "/api/sessions/{id}/calibration", 404, path={"id": doomed}, token=doomed_token, body={"targets": []}, note="deleted session")

    # ---------------------------------------------------------------- errors of routes that do not exist
    for method, path in [("GET", "/api/no-such-route"), ("GET", "/no/such/page"), ("POST", "/health")]:
        status, headers, raw = request(base, method, path, token=admin)
        errors = schema_errors(c.spec.named("Error"), json_of(raw)) if raw else ["empty body"]
        media = (headers.get("content-type") or "").split(";")[0]
        c.report(status in (404, 405) and media == "application/json" and not errors, f"{method} {path} (no such route) -> {status} Error",
                 f"{media}: {raw[:200]!r} {'; '.join(errors)}")

    # ---------------------------------------------------------------- logout, then the login rate limit
    _, headers, _ = c.call("POST", "/api/auth/logout", 200, token=admin)
    c.report("Max-Age=0" in headers.get("set-cookie", ""), "logout clears the cookie", headers.get("set-cookie", "(none)"))
    c.call("POST", "/api/auth/logout", 200, note="not logged in")
    limited = None
    for attempt in range(40):
        status, headers, raw = request(base, "POST", "/api/auth/login", body={"username": common.ADMIN, "password": f"wrong {attempt}"})
        if status == 429:
            limited = (status, headers, raw)
            break
    if limited:
        c.exercised.add(("POST", "/api/auth/login"))
        c.check("POST", "/api/auth/login", *limited, expect=429, note="failed logins beyond the limit")
        c.report(limited[1].get("retry-after", "").isdigit(), "429 carries Retry-After", str(limited[1].get("retry-after")))
    else:
        c.report(False, "POST /api/auth/login -> 429", "no 429 after 40 failed logins")

    # ---------------------------------------------------------------- last: out-of-range input that once brought the server down
    # (a chunk index is 0-1000000; `missing_chunks` used to be built over 0...last_index).
    other_token = other.get("upload_token")
    for value, note in [(-5, "negative last_index"), (1000001, "last_index one beyond the chunk range"),
                        (69362485867, "last_index far beyond the chunk range"), (99999999999999999999, "last_index beyond 64-bit integers")]:
        try:
            status, _, raw = c.call("POST", "/api/sessions/{id}/end", 400, path={"id": other["id"]}, token=other_token,
                                    body=b'{"last_index": %d}' % value, headers={"Content-Type": "application/json"}, note=note, timeout=30)
            if status == 400:
                # A number beyond 64-bit integers cannot even be read as one: the body is not the expected JSON.
                codes = {"invalid_field", "invalid_json"} if value > 2 ** 63 else {"invalid_field"}
                c.report(json_of(raw).get("code") in codes, f"POST /api/sessions/{{id}}/end ({note}) code {'/'.join(sorted(codes))}",
                         raw[:200].decode("utf-8", "replace"))
        except OSError as error:
            c.report(False, f"POST /api/sessions/{{id}}/end -> 400 ({note})", f"no answer: {error}")
    time.sleep(1)
    alive = server.process.poll() is None
    c.report(alive, "the server process is still running after every request", f"exited with {server.process.poll()}: "
             + " | ".join(line for line in server.log_tail(20000).splitlines() if "Fatal error" in line or "RecordingRoutes" in line)[:500])


def live_ticket(c, token, note, body=None, expect=201):
    """`POST /api/live/ticket` with the token in the Authorization header; the ticket ('' when refused)."""
    _, _, raw = c.call("POST", "/api/live/ticket", expect, token=token, body=body, note=note)
    return json_of(raw).get("ticket", "") if expect == 201 else ""


def live_checks_for_candidate(c, server, sid, candidate, other):
    """The candidate's own live socket through a single-use ticket (welcome, client events); refused
    handshakes (no token, an unknown or used ticket, the invitation token in the URL, another
    session's invitation, before consent, a bad id, a foreign origin), over a real WebSocket and as
    plain HTTP."""
    c.exercised.add(("GET", "/ws/{session_id}"))
    ticket = live_ticket(c, candidate, "candidate")
    try:
        ws = WebSocket(server.port, f"/ws/{sid}?ticket={ticket}")
    except WebSocketRefused as refused:
        c.check("GET", "/ws/{session_id}", refused.status, refused.headers, refused.body, 101, "candidate")
        ws = None
    if ws:
        c.report(True, "GET /ws/{session_id} -> 101 (candidate, ?ticket=)")
        c.message("WelcomeMessage", ws.recv_json(), "candidate welcome")
        websocket_client_events(c, ws)
        calibrated_analysis(c, ws)
        ws.close()
    other_token = other.get("upload_token")
    live_ticket(c, None, "no token", expect=401)
    live_ticket(c, other_token, "another session named", body={"session_id": sid}, expect=403)
    # Each refusal runs twice (a real upgrade, then plain HTTP): a path is made anew each time, so a
    # ticket in it is fresh.
    refusals = [
        (lambda: f"/ws/{sid}", {}, 401, "login_required", "no token"),
        (lambda: f"/ws/{sid}?ticket=not-a-ticket", {}, 401, "invalid_ticket", "unknown ticket"),
        (lambda: f"/ws/{sid}?ticket={ticket}", {}, 401, "invalid_ticket", "a ticket used once already"),
        (lambda: f"/ws/{sid}?token={candidate}", {}, 401, "token_in_url", "the invitation token in the URL"),
        (lambda: f"/ws/{sid}?ticket={live_ticket(c, other_token, 'other session')}", {}, 401, "invalid_ticket", "another session's ticket"),
        (lambda: f"/ws/{sid}", {"Authorization": f"Bearer {other_token}"}, 403, "forbidden", "another session's invitation"),
        (lambda: f"/ws/{other.get('id')}?ticket={live_ticket(c, other_token, 'before consent')}", {}, 403, "consent_required", "before consent"),
        (lambda: "/ws/bad%20id!?ticket=x", {}, 400, "invalid_session_id", "invalid session id"),
        (lambda: f"/ws/{sid}?ticket={live_ticket(c, candidate, 'foreign origin')}", {"Origin": "http://evil.example"}, 403, "origin_not_allowed",
         "origin not allowed"),
    ]
    for path, headers, status, code, note in refusals:
        refused_upgrade(c, server, path(), headers, code, note)
    # The same refusals as plain HTTP (no upgrade asked for): their status with the envelope.
    for path, headers, status, code, note in refusals:
        plain_get(c, server, path(), headers, status, code, note)
    # An allowed caller who asks for no upgrade.
    plain_get(c, server, f"/ws/{sid}?ticket={live_ticket(c, candidate, 'no upgrade')}", {}, 426, "upgrade_required", "candidate, no upgrade requested")


def refused_upgrade(c, server, path, headers, code, note):
    """A refused handshake over a real WebSocket: accepted (101), one error message with `code`, then a
    close with 1008 (policy violation) and the code as reason."""
    line = f"GET /ws/{{session_id}} -> 101 refused ({note})"
    try:
        ws = WebSocket(server.port, path, headers)
    except WebSocketRefused as refused:
        c.report(False, line, f"handshake answered {refused.status}: {refused.body[:200]!r}")
        return
    except OSError as error:
        c.report(False, line, f"no handshake: {error}")
        return
    try:
        message = ws.recv_json(timeout=15)
        after = ws.recv(timeout=15) if message is not None else None
    except (OSError, ValueError) as error:
        c.report(False, line, f"{type(error).__name__}: {error}")
        ws.close()
        return
    ws.close()
    problems = []
    if message is None:
        problems.append("closed without an error message")
    else:
        problems += [f"schema: {e}" for e in schema_errors(c.spec.named("Error"), message)]
        if message.get("code") != code:
            problems.append(f"code {message.get('code')!r}, expected {code!r}")
    if after is not None:
        problems.append(f"a second message instead of the close: {str(after)[:200]}")
    if ws.close_code != 1008 or ws.close_reason != code:
        problems.append(f"closed with {ws.close_code} {ws.close_reason!r}, expected 1008 {code!r}")
    c.report(not problems, line + f": Error {code}, close 1008", "; ".join(problems))


def plain_get(c, server, path, headers, status, code, note):
    """A plain HTTP GET of the WebSocket path: `status` with the envelope, its code `code`."""
    c.exercised.add(("GET", "/ws/{session_id}"))
    got, response_headers, raw = request(server.base, "GET", path, headers=headers)
    if c.check("GET", "/ws/{session_id}", got, response_headers, raw, status, f"plain HTTP, {note}"):
        c.report(json_of(raw).get("code") == code, f"GET /ws/{{session_id}} plain HTTP ({note}) code {code}", raw[:200].decode("utf-8", "replace"))


def websocket_client_events(c, ws):
    """Client events over the candidate's live socket: acknowledged (with a notice the first time), the
    same again acknowledged without one, an invalid one refused with its id, the socket kept open."""
    at = int(time.time() * 1000) - 2000
    event = {"type": "client_event", "id": "ws-fullscreen-1", "event": "fullscreen_exit", "at": at, "duration_ms": 3000}
    c.message("ClientEventMessage", event, "the client_event the page sends")
    ws.send_json(event)
    first = ws.recv_json()
    c.message("ClientEventAckMessage", first or {}, "WebSocket client_event_ack")
    c.report(first.get("id") == event["id"] and bool(first.get("notice")), "WebSocket client_event_ack names the event, with a notice", json.dumps(first)[:200])
    ws.send_json(event)
    again = ws.recv_json()
    c.message("ClientEventAckMessage", again or {}, "WebSocket client_event_ack (the same event again)")
    c.report(again.get("id") == event["id"] and "notice" not in again, "a resent client event is acknowledged without a notice", json.dumps(again)[:200])
    ws.send_json({**event, "id": "ws-bad-1", "duration_ms": -5})
    refused = ws.recv_json()
    c.message("Error", refused or {}, "WebSocket error for an invalid client event")
    c.report(refused.get("code") == "invalid_field" and refused.get("id") == "ws-bad-1", "the WebSocket error names the refused event",
             json.dumps(refused)[:200])
    ws.send_json({"type": "ping"})
    c.message("PongMessage", ws.recv_json() or {}, "pong after client events")


def gaze_clip():
    """The webcam clip of labels.json with a gaze timeline (one frontal face; centre, eyes to one side, centre)."""
    for item in common.labels()["items"]:
        truth = item.get("ground_truth", {})
        if item["task"] == "video" and truth.get("faces") == 1 and any(s.get("gaze") == "center" for s in truth.get("timeline", [])):
            return common.TESTDATA / item["file"], truth["timeline"]
    raise FileNotFoundError("no video with a gaze timeline in labels.json")


def clip_frame(source, seconds):
    """One frame of a video at `seconds`, as JPEG (as the Swift tests take them)."""
    with tempfile.TemporaryDirectory(prefix="proctor-frame-") as folder:
        out = Path(folder) / "frame.jpg"
        subprocess.run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-ss", str(seconds), "-i", str(source), "-frames:v", "1", "-q:v", "3", str(out)], check=True)
        return out.read_bytes()


def tiny_jpeg(size=32):
    """A grey JPEG of size x size pixels: a readable image with no face."""
    with tempfile.TemporaryDirectory(prefix="proctor-frame-") as folder:
        out = Path(folder) / "tiny.jpg"
        subprocess.run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", f"color=c=gray:s={size}x{size}", "-frames:v", "1", "-q:v", "10", str(out)],
                       check=True)
        return out.read_bytes()


def calibration_body(targets):
    return {"targets": [{"target": target, "frames": [base64_of(frame) for frame in frames]} for target, frames in targets.items()]}


def calibration_frames():
    """The calibration step's frames from the clip, by its labelled timeline: the centre and one corner
    while the eyes are at the centre, one corner with the eyes to the side, two at the centre again
    (the frames GazeCalibrationRouteTests uses)."""
    clip, timeline = gaze_clip()
    centre = [s["t"] for s in timeline if s.get("gaze") == "center"]
    side = next(s["t"] for s in timeline if s.get("gaze") != "center")
    first, last = centre[0], centre[-1]
    times = {"center": [first[0] + 1, first[0] + 1.5, first[0] + 2], "top_left": [first[0] + 2.5], "top_right": [side[0] + 2, side[0] + 3],
             "bottom_right": [last[0] + 2], "bottom_left": [last[0] + 3]}
    return {target: [clip_frame(clip, t) for t in seconds] for target, seconds in times.items()}


def calibration_checks(c, sid, candidate, other, admin, reviewer, empty_room):
    """POST /api/sessions/{id}/calibration: refused frames (422 with the reason), malformed bodies,
    the callers who may not, then a real calibration from the clip's frames, and its milestone."""
    route = "/api/sessions/{id}/calibration"
    frames = calibration_frames()
    good = calibration_body(frames)
    empty = common.jpeg(empty_room)
    c.message("CalibrationRequest", good, "the calibration the SDK sends")

    def code_check(status, raw, expect, code, note):
        if status == expect:
            c.report(json_of(raw).get("code") == code, f"POST {route} ({note}) code {code}", raw[:200].decode("utf-8", "replace"))

    status, _, raw = c.call("POST", route, 403, path={"id": other["id"]}, token=other.get("upload_token"), body=good, note="before consent")
    code_check(status, raw, 403, "consent_required", "before consent")
    status, _, raw = c.call("POST", route, 403, path={"id": sid}, token=other.get("upload_token"), body=good, note="another session's invitation")
    code_check(status, raw, 403, "forbidden", "another session's invitation")
    status, _, raw = c.call("POST", route, 403, path={"id": sid}, token=admin, body=good, note="staff")
    code_check(status, raw, 403, "forbidden", "staff")
    c.call("POST", route, 401, path={"id": sid}, body=good, note="no token")
    c.call("POST", route, 401, path={"id": sid}, token="not.a.token", body=good, note="invalid token")
    status, _, raw = c.call("POST", route, 422, path={"id": sid}, token=candidate, body=calibration_body({"center": [empty, empty]}), note="an empty room")
    if status == 422:
        body = json_of(raw)
        c.report(body.get("code") == "calibration_rejected" and body.get("reason") == "no_face" and bool(body.get("message")),
                 f"POST {route} (an empty room) calibration_rejected, reason no_face, with a message", raw[:300].decode("utf-8", "replace"))
    # A readable image too small to hold a face (a camera not ready yet): refused like an empty room.
    tiny = tiny_jpeg()
    status, _, raw = c.call("POST", route, 422, path={"id": sid}, token=candidate, body=calibration_body({"center": [tiny, tiny]}), note="a 32x32 frame")
    code_check(status, raw, 422, "calibration_rejected", "a 32x32 frame")
    for body, code, note in [
        (b"{not json", "invalid_json", "malformed JSON"),
        ({"targets": [{"target": "middle", "frames": [base64_of(empty)]}]}, "invalid_json", "unknown target"),
        ({"frames": [base64_of(empty)]}, "invalid_json", "no targets"),
        ({"targets": [{"target": "top_left", "frames": [base64_of(empty)]}]}, "missing_field", "no centre target"),
        ({"targets": [{"target": "center", "frames": []}]}, "invalid_field", "no frames"),
        (calibration_body({"center": [empty] * 9}), "invalid_field", "nine frames"),
        ({"targets": [{"target": "center", "frames": [base64_of(empty)]}] * 2}, "invalid_field", "the centre twice"),
        ({"targets": [{"target": "center", "frames": ["%%% not base64"]}]}, "invalid_base64", "not base64"),
        ({"targets": [{"target": "center", "frames": [base64_of(b"this is not an image")]}]}, "not_an_image", "not an image"),
    ]:
        headers = {"Content-Type": "application/json"} if isinstance(body, bytes) else None
        status, _, raw = c.call("POST", route, 400, path={"id": sid}, token=candidate, body=body, headers=headers, note=note)
        code_check(status, raw, 400, code, note)
    status, _, raw = c.call("POST", route, 413, path={"id": sid}, token=candidate,
                            body={"targets": [{"target": "center", "frames": ["A" * (4 * 1024 * 1024 + 16)]}]}, note="body over 4 MiB")
    code_check(status, raw, 413, "too_large", "body over 4 MiB")
    status, _, raw = c.call("POST", route, 200, path={"id": sid}, token=candidate, body=good, note="the clip's frames")
    result = json_of(raw)
    targets = {t.get("target"): t for t in result.get("targets", [])}
    c.report(result.get("source") == "explicit" and list(targets) == ["center", "top_left", "top_right", "bottom_right", "bottom_left"]
             and all((t.get("usable") or 0) >= 1 for t in targets.values()) and "gaze_yaw" not in targets.get("center", {})
             and all("gaze_yaw" in t for name, t in targets.items() if name != "center") and result.get("frames") == sum(len(f) for f in frames.values()),
             f"POST {route}: explicit, every target measured, the centre first", json.dumps(result)[:400])
    side = (targets.get("top_right") or {}).get("gaze_yaw") or 0
    rng = result.get("range") or {}
    c.report(abs(side) > 10 and max(rng.get("left", 0), rng.get("right", 0)) > 15, f"POST {route}: the sideways glance widens its side of the range",
             json.dumps({"top_right": targets.get("top_right"), "range": rng})[:300])
    # Again, with data: URLs (what a FileReader gives): accepted, and it replaces the first.
    prefixed = {"targets": [{**t, "frames": ["data:image/jpeg;base64," + f for f in t["frames"]]} for t in good["targets"]]}
    c.call("POST", route, 200, path={"id": sid}, token=candidate, body=prefixed, note="data: URLs, again")
    _, _, raw = c.call("GET", "/api/sessions/{id}/review", 200, path={"id": sid}, token=reviewer, note="after the calibration")
    calibrated = [m for m in json_of(raw).get("milestones", []) if m.get("kind") == "gaze_calibrated"]
    c.report(len(calibrated) == 2 and all(m.get("details", {}).get("calibration") == "explicit" for m in calibrated),
             "the review's milestones include gaze_calibrated (explicit) for each calibration", json.dumps(calibrated)[:300])


def calibrated_analysis(c, ws):
    """A frame of the clip over the candidate's socket: its analysis measures the eyes against the
    calibration step's centre from the first frame."""
    clip, timeline = gaze_clip()
    centre = next(s["t"] for s in timeline if s.get("gaze") == "center")
    ws.send_binary(clip_frame(clip, centre[0] + 3))
    message = ws.recv_json(timeout=60) or {}
    while message.get("type") not in ("analysis", "error", None):
        message = ws.recv_json(timeout=60) or {}
    c.message("AnalysisMessage", message, "candidate analysis after the calibration step")
    eyes = (message.get("gaze") or {}).get("eyes") or {}
    c.report(eyes.get("detected") is True and eyes.get("calibrated") is True and eyes.get("calibration") == "explicit" and eyes.get("off_screen") is False,
             "gaze.eyes: detected, calibrated (explicit) from the first frame, on screen", json.dumps(eyes)[:300])


def sdk_checks(c):
    """The candidate SDK: the loader (a classic script) and its modules and stylesheet, with CORS for
    an allowed exam site and 403 for another origin; the exam page hosts it."""
    allowed = {"Origin": EXAM_ORIGIN}
    for template, path, media, note in [("/sdk/proctor.js", {}, "text/javascript", "loader"),
                                        ("/sdk/v1/{file}", {"file": "sdk.js"}, "text/javascript", "sdk.js"),
                                        ("/sdk/v1/{file}", {"file": "calibration.js"}, "text/javascript", "calibration.js"),
                                        ("/sdk/v1/{file}", {"file": "sdk.css"}, "text/css", "sdk.css")]:
        _, headers, raw = c.call("GET", template, 200, path=path, note=note)
        c.report((headers.get("content-type") or "").startswith(media) and raw and "access-control-allow-origin" not in headers,
                 f"GET {template} ({note}): {media}, no CORS without an Origin", str(headers.get("content-type")))
        _, headers, _ = c.call("GET", template, 200, path=path, headers=allowed, note=f"{note}, from the exam site")
        c.report(headers.get("access-control-allow-origin") == EXAM_ORIGIN and headers.get("access-control-allow-credentials") == "true"
                 and "Origin" in headers.get("vary", ""), f"GET {template} ({note}) from an allowed origin carries CORS headers",
                 str({k: v for k, v in headers.items() if k.startswith("access-control") or k == "vary"}))
        status, headers, raw = c.call("GET", template, 403, path=path, headers={"Origin": FOREIGN_ORIGIN}, note=f"{note}, from another origin")
        if status == 403:
            c.report(json_of(raw).get("code") == "origin_not_allowed" and "access-control-allow-origin" not in headers,
                     f"GET {template} ({note}) from another origin: origin_not_allowed, no CORS", raw[:200].decode("utf-8", "replace"))
    _, _, raw = c.call("GET", "/sdk/proctor.js", 200, note="the loader imports v1")
    c.report(b"/sdk/v1/sdk.js" in raw, "the loader imports /sdk/v1/sdk.js", raw[:200].decode("utf-8", "replace"))
    c.call("GET", "/sdk/v1/{file}", 404, path={"file": "missing.js"})
    _, headers, raw = c.call("GET", "/exam/{session_id}", 200, path={"session_id": "any"}, query="?token=x&exam_url=" + urllib.parse.quote(EXAM_ORIGIN + "/quiz"),
                             note="with exam_url")
    policy = headers.get("content-security-policy", "")
    c.report(b"/static/js/exam-host.js" in raw and f"frame-src {EXAM_ORIGIN}" in policy,
             "the exam page loads /static/js/exam-host.js and may frame exactly the allowed exam site", policy)


def client_event_checks(c, sid, candidate, other, chunk_started):
    """POST /api/sessions/{id}/client-events: stored (a finding, a milestone), the same again a
    duplicate, an invalid one refused, a short blur ignored, a beacon with the token in a text/plain
    body, and the refusals (another session's token, no token, staff, before consent, bad bodies)."""
    route = "/api/sessions/{id}/client-events"
    at = int(time.time() * 1000) - 5000
    tab = {"id": "tab-1", "event": "tab_hidden", "at": chunk_started + 4000, "duration_ms": 1500}
    paste = {"id": "paste-1", "event": "clipboard", "at": at, "details": {"action": "paste", "length": 120, "text": "never kept"}}
    camera = {"id": "camera-1", "event": "camera_restored", "at": at, "duration_ms": 4000}
    blur = {"id": "blur-1", "event": "window_blur", "at": at, "duration_ms": 300}
    bad = {"id": "bad-1", "event": "tab_hidden", "at": at, "duration_ms": -1}
    c.message("ClientEventBatch", {"events": [tab, paste, camera, blur], "token": candidate}, "the client events the page sends")
    _, _, raw = c.call("POST", route, 200, path={"id": sid}, token=candidate, body={"events": [tab, paste, camera, blur, bad]}, note="stored, ignored, refused")
    results = {r.get("id"): r for r in json_of(raw).get("results", [])}
    statuses = [results.get(e["id"], {}).get("status") for e in (tab, paste, camera, blur, bad)]
    c.report(statuses == ["stored", "stored", "stored", "ignored", "refused"], "client events: stored, stored, stored (milestone), ignored, refused", str(statuses))
    c.report(bool(results.get("tab-1", {}).get("notice")), "a stored finding carries a notice", json.dumps(results.get("tab-1"))[:200])
    error = results.get("bad-1", {}).get("error") or {}
    c.report(error.get("code") == "invalid_field" and error.get("id") == "bad-1", "a refused event carries invalid_field and its id", json.dumps(error)[:200])
    _, _, raw = c.call("POST", route, 200, path={"id": sid}, token=candidate, body={"events": [tab, camera]}, note="the same again")
    statuses = [r.get("status") for r in json_of(raw).get("results", [])]
    c.report(statuses == ["duplicate", "duplicate"], "client events sent again are duplicates", str(statuses))
    beacon = json.dumps({"token": candidate, "events": [{"id": "left-1", "event": "page_left", "at": at}]}).encode()
    _, _, raw = c.call("POST", route, 200, path={"id": sid}, body=beacon, headers={"Content-Type": "text/plain;charset=UTF-8"}, note="beacon, token in a text/plain body")
    c.report([r.get("status") for r in json_of(raw).get("results", [])] == ["stored"], "the beacon's event is stored", raw[:200].decode("utf-8", "replace"))
    one = {"events": [{"id": "x-1", "event": "context_menu", "at": at}]}
    for expect, code, kwargs, note in [
        (403, "forbidden", {"token": other.get("upload_token")}, "another session's invitation"),
        (403, "forbidden", {"token": None, "body": json.dumps({**one, "token": other.get("upload_token")}).encode(),
                            "headers": {"Content-Type": "text/plain"}}, "beacon with another session's token"),
        (401, "login_required", {}, "no token"),
        (401, "invalid_token", {"body": json.dumps({**one, "token": "not.a.token"}).encode(), "headers": {"Content-Type": "text/plain"}}, "beacon, invalid token"),
    ]:
        arguments = {"body": one, **kwargs}
        status, _, raw = c.call("POST", route, expect, path={"id": sid}, note=note, **arguments)
        if status == expect:
            c.report(json_of(raw).get("code") == code, f"POST {route} ({note}) code {code}", raw[:200].decode("utf-8", "replace"))
    status, _, raw = c.call("POST", route, 403, path={"id": other["id"]}, token=other.get("upload_token"), body=one, note="before consent")
    if status == 403:
        c.report(json_of(raw).get("code") == "consent_required", f"POST {route} (before consent) code consent_required", raw[:200].decode("utf-8", "replace"))
    c.call("POST", route, 400, path={"id": sid}, token=candidate, body=b"{not json", headers={"Content-Type": "application/json"}, note="malformed JSON")
    # An unknown kind (a newer SDK) is refused alone, by its id, so the page can stop resending it.
    status, _, raw = c.call("POST", route, 200, path={"id": sid}, token=candidate, body={"events": [{"id": "k-1", "event": "telepathy", "at": at}]},
                            note="unknown kind")
    if status == 200:
        result = (json_of(raw).get("results") or [{}])[0]
        c.report(result.get("status") == "refused" and result.get("id") == "k-1" and (result.get("error") or {}).get("code") == "invalid_field",
                 f"POST {route} (unknown kind) refused by id", raw[:200].decode("utf-8", "replace"))
    c.call("POST", route, 400, path={"id": sid}, token=candidate, body={"token": candidate}, note="no events")
    c.call("POST", route, 413, path={"id": sid}, token=candidate, body={"events": [{"id": f"m-{i}", "event": "context_menu", "at": at} for i in range(101)]},
           note="101 events")
    c.call("POST", route, 413, path={"id": sid}, token=candidate, body={"events": [], "padding": "x" * 70000}, note="body over 64 KiB")


def browser_findings_checks(c, sid, reviewer, items):
    """The browser findings of the recorded session, in GET /events and the review."""
    browser = {e.get("details", {}).get("client_event_id"): e for e in items if e.get("source") == "browser"}
    c.report({"tab-1", "paste-1", "left-1", "ws-fullscreen-1"} <= set(browser), "GET /events lists the browser findings (HTTP, beacon, WebSocket)",
             str(sorted(k for k in browser if k)))
    tab, paste = browser.get("tab-1") or {}, browser.get("paste-1") or {}
    c.report(tab.get("type") == "tab_hidden" and abs((tab.get("duration") or 0) - 1.5) < 0.01 and tab.get("start") is not None,
             "the tab_hidden finding: its duration, placed on the video", json.dumps(tab)[:300])
    c.report(paste.get("type") == "clipboard" and paste.get("details", {}).get("action") == "paste" and paste.get("details", {}).get("text_length") == 120
             and "text" not in paste.get("details", {}) and paste.get("duration") is None,
             "the clipboard finding keeps the action and length, never the text", json.dumps(paste)[:300])
    _, _, raw = c.call("GET", "/api/sessions/{id}/review", 200, path={"id": sid}, token=reviewer, note="with browser findings")
    review = json_of(raw)
    c.report(any(e.get("source") == "browser" for e in review.get("events", [])), "the review's events include browser findings",
             str(sorted({e.get("source") for e in review.get("events", [])})))
    c.report(any(m.get("kind") == "camera_restored" and m.get("details", {}).get("client_event_id") == "camera-1" for m in review.get("milestones", [])),
             "the review's milestones include camera_restored", str([m.get("kind") for m in review.get("milestones", [])]))


def models_unavailable(c, binary):
    """A server without models: /health 503, and the live WebSocket refused with models_unavailable."""
    empty = Path(tempfile.mkdtemp(prefix="proctor-no-models-"))
    server = Server(binary, name="contract-no-models", env={"PROCTOR_AUTH__SCRYPT_COST_LOG2": "12", "PROCTOR_MODELS__DIRECTORY": str(empty)})
    try:
        server.start(healthy=False)
        c.call("GET", "/health", 503, note="no models", server=server)
        admin = common.login(server.base)
        refused_upgrade(c, server, "/ws/contract-no-models", {"Authorization": f"Bearer {admin}"}, "models_unavailable", "no models")
        plain_get(c, server, "/ws/contract-no-models", {"Authorization": f"Bearer {admin}"}, 503, "models_unavailable", "no models")
    finally:
        server.stop()
        server.cleanup()
        shutil.rmtree(empty, ignore_errors=True)


def live_session(c, server, admin, proctor, group, empty_room, face):
    """A staff-opened live session: frames with one person, three, none, one again; the live list, feed
    and snapshot while it runs; then the end. Returns (session id, its violations with evidence)."""
    live_id = f"contract-live-{uuid.uuid4().hex[:8]}"
    frames = {"face": common.jpeg(face), "group": common.jpeg(group), "empty": common.jpeg(empty_room)}
    c.exercised.add(("GET", "/ws/{session_id}"))
    try:
        ws = WebSocket(server.port, f"/ws/{live_id}", {"Authorization": f"Bearer {admin}"})
    except WebSocketRefused as refused:
        c.check("GET", "/ws/{session_id}", refused.status, refused.headers, refused.body, 101, "staff")
        return live_id, []
    c.report(True, "GET /ws/{session_id} -> 101 (staff, Authorization)")
    c.message("WelcomeMessage", ws.recv_json(), "welcome")
    ws.send_json({"type": "ping"})
    c.message("PongMessage", ws.recv_json(), "pong")
    ws.send_text("{not json")
    reply = ws.recv_json()
    c.message("Error", reply, "error for malformed JSON")
    c.report(reply.get("code") == "invalid_json", "WebSocket error code invalid_json", json.dumps(reply)[:200])
    ws.send_json({"type": "teleport"})
    c.message("Error", ws.recv_json(), "error for an unknown type")
    analyses = 0
    bad = []
    schedule = [("face", 2.0), ("group", 3.0), ("empty", 3.0), ("face", 3.5)]
    start = time.time()
    checked_live = False
    for name, seconds in schedule:
        until = time.time() + seconds
        while time.time() < until:
            if analyses % 2:
                ws.send_binary(frames[name])
            else:
                ws.send_json({"type": "frame", "data": base64_of(frames[name]), "timestamp": round(time.time() - start, 3)})
            message = ws.recv_json(timeout=60)
            if message.get("type") == "analysis":
                analyses += 1
                errors = schema_errors(c.spec.named("AnalysisMessage"), message)
                if errors:
                    bad.append(errors)
            time.sleep(0.25)
        if name == "group" and not checked_live:
            checked_live = True
            live_list_checks(c, server, proctor, live_id)
    c.report(analyses > 0 and not bad, f"{analyses} analyses (AnalysisMessage)", "; ".join(bad[0]) if bad else "no analysis")
    ws.send_json({"type": "end"})
    ended = None
    while True:
        message = ws.recv_json(timeout=60)
        if message is None or message.get("type") == "session_ended":
            ended = message
            break
    c.message("SessionEndedMessage", ended or {}, "session_ended")
    ws.close()
    # The episodes are stored by the batched writer; wait for them.
    def stored():
        status, _, raw = request(server.base, "GET", f"/api/sessions/{live_id}", token=admin)
        found = [v for v in json_of(raw).get("violations", []) if v.get("evidence_url")] if status == 200 else []
        return found
    violations = wait_for(stored, 20, 0.5) or []
    c.report(bool(violations), "the live session stored findings with evidence", "none after 20 s")
    return live_id, violations


def live_list_checks(c, server, proctor, live_id):
    _, _, raw = c.call("GET", "/ws/sessions", 200, token=proctor, note="one live session")
    listed = [s.get("session_id") for s in json_of(raw).get("sessions", [])]
    c.report(live_id in listed, "the live session is in /ws/sessions", str(listed))
    c.exercised.add(("GET", "/api/live/feed"))
    try:
        status, headers, payloads = read_feed(server.base, proctor)
        c.check("GET", "/api/live/feed", status, headers, b"", 200, "event stream")
        for payload in payloads[-1:]:
            c.message("LiveFeedMessage", payload, "GET /api/live/feed event: sessions")
        tiles = payloads[-1]["sessions"] if payloads else []
        c.report(any(t.get("session_id") == live_id for t in tiles), "the live session is in the feed", json.dumps(payloads)[:300])
    except OSError as error:
        c.report(False, "GET /api/live/feed", str(error))
    c.call("GET", "/api/live/feed", 401, note="no token")
    snapshot = wait_for(lambda: request(server.base, "GET", f"/api/live/{live_id}/snapshot", token=proctor)[0] == 200, 10, 0.5)
    c.call("GET", "/api/live/{session_id}/snapshot", 200 if snapshot else [200, 404], path={"session_id": live_id}, token=proctor)
    c.call("GET", "/api/live/{session_id}/snapshot", 404, path={"session_id": "not-connected"}, token=proctor)
    c.call("GET", "/api/live/{session_id}/snapshot", 401, path={"session_id": live_id}, note="no token")


def base64_of(data):
    return base64.b64encode(data).decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the proctor executable (its resource bundles beside it)")
    arguments = parser.parse_args()
    sys.exit(run(arguments.binary))


if __name__ == "__main__":
    main()
