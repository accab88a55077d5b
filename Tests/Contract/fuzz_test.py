#!/usr/bin/env python3
"""schemathesis against a live server with docs/openapi.yaml: every operation fuzzed, bounded.

Starts `proctor serve` (free port, fresh data folder), makes real data to fuzz around (a finalized
recorded session with findings, a live session with findings, a consented candidate session, a
session to delete, a second staff account), then runs the pinned schemathesis (vendor/venv, see
`scripts/setup.sh contract`) with the admin's bearer token on every operation, the candidate's on
the candidate routes, and the real ids mixed into the generated path parameters. Checks: no 5xx
(`not_a_server_error`), documented status codes, content types, headers and response schemas.

Prints each operation with its cases and failures, then `fuzz: N passed, M failed` (N and M count
operations). Exits non-zero on any failure or error. Run by scripts/test.sh; alone:

    vendor/venv/bin/python Tests/Contract/fuzz_test.py --binary .build/debug/proctor [--max-examples 25]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import defaultdict
from pathlib import Path

sys.dont_write_bytecode = True  # nothing written into the checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import Server, Spec, WebSocket, json_of, request, wait_for  # noqa: E402

CONSENT = {"notice_version": "fuzz-1", "items": ["webcam_frames", "video_chunks", "reference_photo", "browser_activity", "microphone"]}
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
          "response_schema_conformance"]

# A hard stop for the schemathesis run (it is bounded by --max-examples; this only catches a hang).
TIMEOUT = 600

# Operations not fuzzed, and why (none at the moment; `--exclude` adds some for one run):
EXCLUDED = {
}
# Kept in, with care (see the configuration below):
#   GET /ws/{session_id}: schemathesis speaks plain HTTP and cannot upgrade, so it fuzzes the plain
#     HTTP answers of the WebSocket path (426 upgrade_required for an allowed caller, the refusals'
#     statuses); contract_test.py drives the real handshake, messages and refused upgrades.
#   POST /api/sessions/{id}/client-events: with the candidate's token, like the other candidate routes
#     (JSON and text/plain bodies; the token in the body is generated, the header wins).
#   DELETE /api/sessions/{id}: real ids only from a throwaway session, never the fixtures the other
#     operations fuzz around.
#   PATCH /api/users/{id}: only the second staff account's id (and generated ones), never the admin's,
#     so the run's own login cannot be changed.
#   POST /api/sessions/{id}/invitation: a session of its own, so the candidate token stays valid.
#   POST /api/sessions/{id}/calibration: a consented session of its own, never ended (the candidate
#     session's `POST /end` is fuzzed too, after which every calibration is 409 `session_ended`).
#   POST /api/auth/logout: tokens are stateless (logout clears the cookie only), so the run goes on.
#   GET /api/live/feed: an endless event stream; each request is cut after 3 s or 2 events, and few
#     examples are made (each stream runs on in the server for up to 60 s).


def fixtures(server, admin):
    """Real data for the fuzzer to hit: ids of sessions, findings and accounts."""
    base, work = server.base, server.work
    unique = uuid.uuid4().hex[:8]

    def post(path, body, token=admin, expect=201):
        status, _, raw = request(base, "POST", path, token=token, body=body)
        if status != expect:
            raise RuntimeError(f"POST {path}: {status} {raw[:300]!r}")
        return json_of(raw)

    proctor = post("/api/users", {"username": f"fuzz-proctor-{unique}", "password": "fuzz proctor password", "role": "proctor"})
    recorded = post("/api/sessions", {"exam_id": "fuzz-exam", "candidate_id": f"fuzz-cand-{unique}", "chunk_seconds": 3})
    candidate = post("/api/sessions", {"exam_id": "fuzz-exam", "candidate_id": f"fuzz-live-{unique}", "chunk_seconds": 3})
    invited = post("/api/sessions", {"exam_id": "fuzz-exam", "candidate_id": f"fuzz-invite-{unique}"})
    doomed = post("/api/sessions", {"exam_id": "fuzz-exam", "candidate_id": f"fuzz-gone-{unique}"})
    calibrating = post("/api/sessions", {"exam_id": "fuzz-exam", "candidate_id": f"fuzz-calibrate-{unique}"})
    for session in (recorded, candidate, calibrating):
        post(f"/api/sessions/{session['id']}/consent", CONSENT, token=session["upload_token"], expect=200)

    # The recorded session: a reference photo, two chunks (one person, then three), the end, the worker.
    for image in common.single_face_images():
        status, _, _ = request(base, "POST", f"/api/sessions/{recorded['id']}/reference", token=recorded["upload_token"],
                               body=image.read_bytes(), headers={"Content-Type": "image/jpeg"})
        if status == 200:
            break
    group = common.testdata_file("objects_people", lambda g: g.get("multiple_people") is True and g.get("cell_phone") == 0 and (g.get("persons") or 0) <= 4)
    empty = common.testdata_file("no_face", lambda g: g.get("persons") == 0)
    chunks = [common.make_chunk(work / "f0.webm", common.TESTDATA / "video" / "webcam_gaze_center_left_center.mp4", 3),
              common.make_chunk(work / "f1.webm", group, 3, still=True)]
    for index, chunk in enumerate(chunks):
        status, _, raw = request(base, "PUT", f"/api/sessions/{recorded['id']}/chunks/{index}", token=recorded["upload_token"], body=chunk,
                                 headers={"Content-Type": "video/webm", "X-Chunk-SHA256": common.sha256(chunk)})
        if status != 201:
            raise RuntimeError(f"chunk {index}: {status} {raw[:200]!r}")
    post(f"/api/sessions/{recorded['id']}/end", {"last_index": len(chunks) - 1}, token=recorded["upload_token"], expect=202)

    # A live session opened by staff: no one in view, then a face, so there is a finding with evidence.
    live_id = f"fuzz-live-{unique}"
    ws = WebSocket(server.port, f"/ws/{live_id}", {"Authorization": f"Bearer {admin}"})
    ws.recv_json()
    frames = [common.jpeg(empty)] * 12 + [common.jpeg(common.single_face_images()[0])] * 12
    for frame in frames:
        ws.send_binary(frame)
        ws.recv_json(timeout=60)
        time.sleep(0.25)
    ws.send_json({"type": "end"})
    while (message := ws.recv_json(timeout=60)) is not None and message.get("type") != "session_ended":
        pass
    ws.close()

    def finalized():
        status, _, raw = request(base, "GET", f"/api/sessions/{recorded['id']}/events", token=admin)
        body = json_of(raw)
        return body if status == 200 and body.get("finalized") else None
    events = (wait_for(finalized, 240, 2) or {}).get("events", [])
    violations = wait_for(lambda: json_of(request(base, "GET", f"/api/sessions/{live_id}", token=admin)[2]).get("violations"), 20, 0.5) or []
    print(f"[fuzz] fixtures: recorded {recorded['id']} ({len(events)} findings), live {live_id} ({len(violations)} findings), "
          f"candidate {candidate['id']}, staff account {proctor['id']}", flush=True)
    return {
        "sessions": [recorded["id"], live_id, candidate["id"]],
        "findings": [e["id"] for e in events] + [v["id"] for v in violations],
        "violations": [v["id"] for v in violations] or ["none"],
        "live": [live_id],
        "users": [proctor["id"]],
        "candidate_session": candidate["id"],
        "candidate_token": candidate["upload_token"],
        "invited": invited["id"],
        "doomed": doomed["id"],
        "calibrating_session": calibrating["id"],
        "calibrating_token": calibrating["upload_token"],
    }


def toml_string(value):
    return json.dumps(str(value))


def configuration(base, admin, data, max_examples):
    """schemathesis.toml: the admin everywhere, the candidate on its routes, real ids mixed into path parameters."""
    def dictionary(name, values):
        return f"[dictionaries.{name}]\nvalues = [{', '.join(toml_string(v) for v in values)}]\n"

    def operations(names, *, headers=None, parameters=None, extra=""):
        lines = ["[[operations]]", f"include-name = [{', '.join(toml_string(n) for n in names)}]"]
        if headers:
            lines.append("headers = { " + ", ".join(f"{toml_string(k)} = {toml_string(v)}" for k, v in headers.items()) + " }")
        if parameters:
            lines.append("parameters = { " + ", ".join(f"{toml_string(k)} = {{ dictionary = {toml_string(d)}, probability = {p} }}"
                                                        for k, (d, p) in parameters.items()) + " }")
        return "\n".join(lines) + ("\n" + extra if extra else "") + "\n"

    review = ["GET /api/sessions/{id}", "PATCH /api/sessions/{id}", "GET /api/sessions/{id}/review", "GET /api/sessions/{id}/report",
              "GET /api/sessions/{id}/events", "GET /api/sessions/{id}/video", "GET /api/sessions/{id}/chunks", "GET /admin/sessions/{id}"]
    findings = ["PATCH /api/sessions/{id}/events/{eid}", "GET /api/sessions/{id}/events/{eid}/evidence"]
    candidate = ["GET /api/sessions/{id}/candidate", "POST /api/sessions/{id}/consent", "POST /api/sessions/{id}/reference",
                 "PUT /api/sessions/{id}/chunks/{index}", "POST /api/sessions/{id}/end", "POST /api/sessions/{id}/client-events"]
    feed = operations(["GET /api/live/feed"], extra="request-timeout = 3\nmax-stream-events = 2\ngeneration.max-examples = 3")
    text = f"""# Written by Tests/Contract/fuzz_test.py for one run.
base-url = {toml_string(base)}
# One worker: with two, hypothesis's lambda descriptions (ast.parse) race in CPython 3.11 and
# schemathesis reports an error of its own for a random operation ("AST constructor recursion depth
# mismatch", FlakyFailure), not an answer of the server.
workers = 1
request-timeout = 10
headers = {{ "Authorization" = {toml_string("Bearer " + admin)} }}

[generation]
max-examples = {max_examples}
database = "none"

{dictionary("sessions", data["sessions"])}
{dictionary("findings", data["findings"] or ["none"])}
{dictionary("violations", data["violations"])}
{dictionary("live", data["live"])}
{dictionary("users", data["users"])}
{dictionary("candidate", [data["candidate_session"]])}
{dictionary("invited", [data["invited"]])}
{dictionary("doomed", [data["doomed"]])}
{dictionary("calibrating", [data["calibrating_session"]])}
{dictionary("sdk_files", ["sdk.js", "sdk.css", "session.js", "calibration.js"])}
{dictionary("host_scripts", ["exam-host.js"])}
{operations(review, parameters={"path.id": ("sessions", 0.7)})}
{operations(findings, parameters={"path.id": ("sessions", 0.8), "path.eid": ("findings", 0.7)})}
{operations(["GET /api/sessions/{id}/violations/{vid}/evidence"], parameters={"path.id": ("live", 0.8), "path.vid": ("violations", 0.7)})}
{operations(["GET /api/live/{session_id}/snapshot"], parameters={"path.session_id": ("live", 0.5)})}
{operations(["PATCH /api/users/{id}"], parameters={"path.id": ("users", 0.7)})}
{operations(["POST /api/sessions/{id}/invitation"], parameters={"path.id": ("invited", 0.7)})}
{operations(["DELETE /api/sessions/{id}"], parameters={"path.id": ("doomed", 0.3)})}
{operations(candidate, headers={"Authorization": "Bearer " + data["candidate_token"]}, parameters={"path.id": ("candidate", 0.8)})}
{operations(["GET /sdk/v1/{file}"], parameters={"path.file": ("sdk_files", 0.6)})}
{operations(["GET /static/js/{file}"], parameters={"path.file": ("host_scripts", 0.6)})}
{operations(["POST /api/sessions/{id}/calibration"], headers={"Authorization": "Bearer " + data["calibrating_token"]}, parameters={"path.id": ("calibrating", 0.8)})}
{feed}
"""
    return text


def run(binary, max_examples, keep, excluded_by_hand=()):
    spec = Spec()
    spec.validate_document()
    schemathesis = Path(sys.executable).with_name("schemathesis")
    if not schemathesis.exists():
        print(f"[fuzz] schemathesis is not installed beside {sys.executable}; run scripts/setup.sh contract", file=sys.stderr)
        return 2
    server = Server(binary, name="fuzz", env={
        "PROCTOR_AUTH__SCRYPT_COST_LOG2": "12",
        # The fuzzer is one client sending many requests: lift the per-address limits so that it
        # reaches the handlers instead of the rate limiter (429 stays documented and is checked).
        "PROCTOR_AUTH__LOGIN_ATTEMPTS_PER_MINUTE": "100000",
        "PROCTOR_SERVER__REQUESTS_PER_MINUTE": "1000000",
        "PROCTOR_SERVER__CHUNK_UPLOADS_PER_MINUTE": "100000",
        "PROCTOR_RECORDING__FINALIZE_GRACE_SECONDS": "3",
    })
    server.start()
    report_dir = Path(tempfile.mkdtemp(prefix="proctor-fuzz-report-"))
    print(f"[fuzz] server on {server.base} (log {server.log_path}); schemathesis reports in {report_dir}", flush=True)
    try:
        admin = common.login(server.base)
        data = fixtures(server, admin)
        config = report_dir / "schemathesis.toml"
        config.write_text(configuration(server.base, admin, data, max_examples))
        ndjson = report_dir / "events.ndjson"
        command = [str(schemathesis), "--config-file", str(config), "run", str(spec.path),
                   "--checks", ",".join(CHECKS), "--phases", "examples,coverage,fuzzing", "--mode", "all",
                   "--seed", "20251", "--no-shrink", "--continue-on-failure", "--no-color", "--suppress-health-check", "all",
                   "--report", "ndjson", "--report-ndjson-path", str(ndjson)]
        for name in [*EXCLUDED, *excluded_by_hand]:
            command += ["--exclude-name", name]
        started = time.time()
        env = dict(os.environ, SCHEMATHESIS_HOOKS=str(Path(__file__).resolve().with_name("schemathesis_hooks.py")), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run(command, cwd=report_dir, env=env, capture_output=True, text=True, timeout=TIMEOUT)
        elapsed = time.time() - started
        (report_dir / "schemathesis.out").write_text(result.stdout + result.stderr)
        summary = summarize(ndjson, spec)
        crashed = server.process.poll()
        fatal = [line.strip() for line in server.log_path.read_text(errors="replace").splitlines() if "Fatal error" in line]
    except Exception:  # fixtures that could not be made, or a schemathesis run that hung
        traceback.print_exc()
        print(server.log_tail(), file=sys.stderr)
        print(f"[fuzz] server data and log kept in {server.work}; schemathesis output in {report_dir}")
        print("fuzz: 0 passed, 1 failed", flush=True)
        return 1
    finally:
        server.stop()
    passed, failed = 0, 0
    for operation in sorted(summary):
        entry = summary[operation]
        ok = not entry["failures"] and not entry["errors"]
        passed, failed = passed + ok, failed + (not ok)
        print(f"{'PASS' if ok else 'FAIL'} {operation}: {entry['cases']} cases, {len(entry['failures'])} failures"
              + (f", {len(entry['errors'])} errors" if entry["errors"] else ""), flush=True)
        for failure in entry["failures"][:5] + entry["errors"][:3]:
            print(f"    - {failure}", flush=True)
    fuzzed = {op for op, entry in summary.items() if entry["cases"] > 0}
    for method, path in spec.operations():
        name = f"{method} {path}"
        if name in EXCLUDED:
            print(f"SKIP {name}: {EXCLUDED[name]}")
        elif name in excluded_by_hand:
            failed += 1
            print(f"FAIL {name}: left out with --exclude")
        elif name not in fuzzed:
            failed += 1
            print(f"FAIL {name}: not fuzzed (no cases ran)")
    if crashed is not None or fatal:
        failed += 1
        print(f"FAIL the server {'exited with ' + str(crashed) if crashed is not None else 'logged a fatal error'} during fuzzing: "
              f"{'; '.join(fatal[:3]) or 'see ' + str(server.log_path)}")
        keep = True
    if result.returncode not in (0, 1) or (result.returncode == 1 and failed == 0):
        print(result.stdout[-4000:] + result.stderr[-2000:])
        failed += 1
        print(f"FAIL schemathesis exited {result.returncode}")
    total_cases = sum(entry["cases"] for entry in summary.values())
    total_failures = sum(len(entry["failures"]) for entry in summary.values())
    print(f"[fuzz] {len(summary)} operations, {total_cases} cases, {total_failures} failures, {elapsed:.0f} s (schemathesis output in {report_dir})")
    if not keep and failed == 0:
        shutil.rmtree(report_dir, ignore_errors=True)
        server.cleanup()
    else:
        print(f"[fuzz] server data and log kept in {server.work}")
    print(f"fuzz: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


def summarize(ndjson, spec):
    """Cases and distinct failures per operation from schemathesis's ndjson event log."""
    summary = defaultdict(lambda: {"cases": 0, "failures": [], "errors": []})
    if not ndjson.exists():
        return summary
    for line in ndjson.read_text().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        collect(event, summary)
    return summary


def collect(event, summary):
    """One ndjson event: `ScenarioFinished` carries the recorder (cases, checks); `NonFatalError` an error."""
    (kind, body), = event.items() if len(event) == 1 else (("", event),)
    if kind == "ScenarioFinished":
        recorder = body.get("recorder") or {}
        label = recorder.get("label") or body.get("label") or "?"
        entry = summary[label]
        cases = recorder.get("cases") or {}
        entry["cases"] += len(cases)
        seen = set(entry["failures"])
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if check.get("status") in ("failure", "FAILURE", 1) or check.get("failure_info"):
                    info = check.get("failure_info") or {}
                    failure = info.get("failure") or {}
                    title = failure.get("title") or check.get("name")
                    message = (failure.get("message") or "").strip().replace("\n", " ")[:300]
                    code = (info.get("code") or "")[:400].replace("\n", " ")
                    text = f"{check.get('name')}: {title}: {message}" + (f" [{code}]" if code else "")
                    if text not in seen:
                        seen.add(text)
                        entry["failures"].append(text)
    elif kind == "NonFatalError":
        label = body.get("label") or "?"
        summary[label]["errors"].append(str(body.get("info", {}).get("message") or body.get("value") or body)[:300])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the proctor executable (its resource bundles beside it)")
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("PROCTOR_FUZZ_EXAMPLES", "40")),
                        help="fuzzing cases per operation (the coverage phase adds its own)")
    parser.add_argument("--keep-report", action="store_true", help="keep schemathesis's output and event log")
    parser.add_argument("--exclude", action="append", default=[], metavar="'METHOD /path'",
                        help="leave an operation out (to look past a known failure while investigating; counts as a failure)")
    arguments = parser.parse_args()
    sys.exit(run(arguments.binary, arguments.max_examples, arguments.keep_report, arguments.exclude))


if __name__ == "__main__":
    main()
