#!/usr/bin/env python3
"""Many machines, simulated on one: two `proctor serve` processes and three `proctor worker`
processes share one PostgreSQL database and one S3 bucket, and no folder at all: each process has
its own empty --data-dir, so every chunk, batch, master video and snapshot crosses between machines
through the bucket (the S3 server of scripts/s3-test-server.sh, `storage.backend: s3`).

Several recorded sessions are created, consented and uploaded through both servers (chunks of one
session alternate between them, as behind a load balancer); one worker is killed with SIGKILL while
it holds a job. Then: every chunk has exactly one processing job and it is done, every session is
finalized exactly once with no gap, the killed worker's job was taken over, and a login made on one
server works on the other (the signing key is derived from the master key all processes share), a
live ticket issued by one server is redeemed by the other (once), and the blobs on disk are
encrypted while the API serves the original video.

Run by scripts/test.sh with PROCTOR_TEST_DATABASE_URL and PROCTOR_TEST_S3_* set (scripts/postgres.sh
start, scripts/s3-test-server.sh start); alone:
    eval "$(scripts/s3-test-server.sh start)"
    /usr/bin/python3 Tests/MultiNode/multi_node_test.py --binary .build/debug/proctor --database postgres://postgres@127.0.0.1:54329/postgres
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = Path(os.environ.get("PROCTOR_TESTDATA", ROOT.parent / "shared" / "testdata"))
SESSIONS = 4
CHUNKS = 3
CHUNK_SECONDS = 3


def log(message):
    print(f"[multi-node] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], check=True, capture_output=True, text=True)
    return [line.split("|") for line in result.stdout.strip().splitlines() if line]


def with_database(url, name):
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def make_chunk(path, source, start):
    subprocess.run([
        "ffmpeg", "-nostdin", "-y", "-v", "error", "-ss", str(start), "-t", str(CHUNK_SECONDS), "-i", str(TESTDATA / source),
        "-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=15,format=yuv420p",
        "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "600k", "-an", "-f", "webm", str(path),
    ], check=True)
    return path.read_bytes()


def call(base, method, path, token=None, body=None, headers=None, raw=False):
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(base + path, data=data, method=method)
    if isinstance(body, dict):
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = response.read()
            return response.status, (payload if raw else json.loads(payload or b"{}"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Processes:
    def __init__(self, binary, env, logs):
        self.binary, self.env, self.logs, self.running = binary, env, logs, {}

    def start(self, name, arguments, extra_env=None, data_dir=None):
        output = open(self.logs / f"{name}.log", "w")
        if data_dir is not None:
            # A machine of its own: an empty data folder that no other process sees.
            data_dir.mkdir(parents=True, mode=0o700)
            arguments = [*arguments, "--data-dir", str(data_dir)]
        self.running[name] = subprocess.Popen([str(self.binary), *arguments], cwd=ROOT, env={**self.env, **(extra_env or {})},
                                              stdout=output, stderr=subprocess.STDOUT)

    def kill(self, name):
        self.running[name].send_signal(signal.SIGKILL)
        self.running[name].wait()

    def stop_all(self):
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def live_tile(base, token, deadline):
    """Reads the server's live feed (Server-Sent Events) until it lists a session; returns its tile."""
    request = urllib.request.Request(base + "/api/live/feed", headers={"Authorization": f"Bearer {token}"})
    end = time.time() + deadline
    with urllib.request.urlopen(request, timeout=deadline) as stream:
        for raw in stream:
            line = raw.decode().strip()
            if line.startswith("data:"):
                sessions = json.loads(line[5:])["sessions"]
                if sessions and sessions[0].get("snapshot_url"):
                    return sessions[0]
            if time.time() > end:
                break
    raise AssertionError("no live session appeared in the feed")


def wait_healthy(base, deadline=180):
    end = time.time() + deadline
    while time.time() < end:
        try:
            if call(base, "GET", "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} did not become healthy")


def s3_environment(prefix):
    """The processes' storage settings: the test S3 server, a prefix of this run's own."""
    need = ["PROCTOR_TEST_S3_ENDPOINT", "PROCTOR_TEST_S3_BUCKET", "PROCTOR_TEST_S3_ACCESS_KEY_ID", "PROCTOR_TEST_S3_SECRET_ACCESS_KEY"]
    missing = [name for name in need if not os.environ.get(name)]
    assert not missing, f"{', '.join(missing)} not set (eval \"$(scripts/s3-test-server.sh start)\")"
    return {
        "PROCTOR_STORAGE__BACKEND": "s3",
        "PROCTOR_STORAGE__S3__ENDPOINT": os.environ["PROCTOR_TEST_S3_ENDPOINT"],
        "PROCTOR_STORAGE__S3__BUCKET": os.environ["PROCTOR_TEST_S3_BUCKET"],
        "PROCTOR_STORAGE__S3__REGION": os.environ.get("PROCTOR_TEST_S3_REGION", "us-east-1"),
        "PROCTOR_STORAGE__S3__ACCESS_KEY_ID": os.environ["PROCTOR_TEST_S3_ACCESS_KEY_ID"],
        "PROCTOR_STORAGE__S3__SECRET_ACCESS_KEY": os.environ["PROCTOR_TEST_S3_SECRET_ACCESS_KEY"],
        "PROCTOR_STORAGE__S3__PREFIX": prefix,
    }


def raw_object(name):
    """An object's stored bytes, read past the S3 API and Proctor: through Swift's own API with tempauth."""
    endpoint = os.environ["PROCTOR_TEST_S3_ENDPOINT"]
    request = urllib.request.Request(f"{endpoint}/auth/v1.0", headers={
        "X-Auth-User": os.environ["PROCTOR_TEST_S3_ACCESS_KEY_ID"], "X-Auth-Key": os.environ["PROCTOR_TEST_S3_SECRET_ACCESS_KEY"]})
    with urllib.request.urlopen(request, timeout=10) as answer:
        token, storage = answer.headers["X-Auth-Token"], answer.headers["X-Storage-Url"]
    bucket = os.environ["PROCTOR_TEST_S3_BUCKET"]
    with urllib.request.urlopen(urllib.request.Request(f"{storage}/{bucket}/{name}", headers={"X-Auth-Token": token}), timeout=10) as answer:
        return answer.read()


def files_in(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def run(binary, server_url):
    database = "proctor_multinode_" + uuid.uuid4().hex[:12]
    psql(server_url, f"CREATE DATABASE {database}")
    url = with_database(server_url, database)
    work = Path(tempfile.mkdtemp(prefix="proctor-multinode-"))
    logs = ROOT / "artifacts" / "multi-node"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    prefix = "multinode-" + uuid.uuid4().hex[:12]
    env = dict(os.environ, DATABASE_URL=url, PROCTOR_SERVER__DATA_DIRECTORY=str(work / "admin"),
               PROCTOR_RECORDING__JOBS__LEASE_SECONDS="4", PROCTOR_RECORDING__POLL_SECONDS="2",
               PROCTOR_RECORDING__FINALIZE_GRACE_SECONDS="3", PROCTOR_RECORDING__BATCH_SIZE="2",
               # Machines of their own share no key file: one master key for all, as a deployment sets it.
               PROCTOR_MASTER_KEY=os.urandom(32).hex(), **s3_environment(prefix))
    processes = Processes(binary, env, logs)
    try:
        created = subprocess.run([str(binary), "admin", "create", "--username", "multi", "--password-stdin"], input="multi-node-password\n",
                                 env=env, cwd=ROOT, capture_output=True, text=True)
        assert created.returncode == 0, created.stderr
        servers = []
        for index in range(2):
            port = free_port()
            processes.start(f"serve-{index}", ["serve", "--port", str(port), "--log-level", "info"], {"PROCTOR_RECORDING__EMBEDDED_WORKER": "false"},
                            data_dir=work / f"serve-{index}")
            servers.append(f"http://127.0.0.1:{port}")
        for index in range(3):
            processes.start(f"worker-{index}", ["worker", "--role", "all", "--name", f"w{index}", "--log-level", "info"],
                            data_dir=work / f"worker-{index}")
        for base in servers:
            wait_healthy(base)
        log(f"2 servers, 3 workers on database {database}, blobs in bucket {os.environ['PROCTOR_TEST_S3_BUCKET']} under {prefix}/, no shared folder")

        # A login on one server is valid on the other.
        status, login = call(servers[0], "POST", "/api/auth/login", body={"username": "multi", "password": "multi-node-password"})
        assert status == 200, login
        token = login["token"]
        assert call(servers[1], "GET", "/api/auth/me", token)[0] == 200, "a token from server 0 works on server 1"

        # A live candidate on server 0 shows up in server 1's live feed, with a snapshot server 1 can serve.
        ports = [base.rsplit(":", 1)[1] for base in servers]
        processes.start("loadtest", ["loadtest", "--sessions", "1", "--fps", "2", "--duration", "10", "--binary",
                                     "--url", f"ws://127.0.0.1:{ports[0]}", "--token", token])
        tile = live_tile(servers[1], token, deadline=30)
        assert tile["server"].endswith(f":{ports[0]}"), tile
        assert tile["snapshot_url"], tile
        status, picture = call(servers[1], "GET", tile["snapshot_url"], token, raw=True)
        assert status == 200 and picture[:2] == b"\xff\xd8", (status, picture[:20])
        log(f"live session {tile['session_id']} on server 0 seen in server 1's feed with its snapshot")

        sources = ["video/webcam_gaze_center_left_center.mp4"]
        chunks = [make_chunk(work / f"chunk-{i}.webm", sources[0], start=i * CHUNK_SECONDS) for i in range(CHUNKS)]
        sessions = []
        for number in range(SESSIONS):
            home = servers[number % 2]
            status, session = call(home, "POST", "/api/sessions", token, {"exam_id": "multi", "candidate_id": f"c{number}", "chunk_seconds": CHUNK_SECONDS})
            assert status == 201, session
            invitation = session["upload_token"]
            status, _ = call(servers[(number + 1) % 2], "POST", f"/api/sessions/{session['id']}/consent", invitation,
                             {"notice_version": "1", "items": ["webcam_frames", "video_chunks", "reference_photo", "microphone"]})
            assert status == 200
            sessions.append((session["id"], invitation))

        # A live ticket from server 0 opens the socket on server 1 once (plain GET: 426 means let in), then never again.
        session_id, invitation = sessions[0]
        status, issued = call(servers[0], "POST", "/api/live/ticket", invitation)
        assert status == 201 and issued.get("ticket"), (status, issued)
        status, reply = call(servers[1], "GET", f"/ws/{session_id}?ticket={issued['ticket']}")
        assert status == 426, (status, reply)
        status, reply = call(servers[0], "GET", f"/ws/{session_id}?ticket={issued['ticket']}")
        assert status == 401 and reply.get("code") == "invalid_ticket", (status, reply)
        status, reply = call(servers[1], "GET", f"/ws/{session_id}?token={invitation}")
        assert status == 401 and reply.get("code") == "token_in_url", (status, reply)
        log("a live ticket from server 0 worked once on server 1; the invitation token in the URL is refused")

        killed = False
        for index in range(CHUNKS):
            for number, (session_id, invitation) in enumerate(sessions):
                body = chunks[index]
                base = servers[(number + index) % 2]
                status, reply = call(base, "PUT", f"/api/sessions/{session_id}/chunks/{index}", invitation, body,
                                     {"X-Chunk-SHA256": hashlib.sha256(body).hexdigest(), "Content-Type": "video/webm"})
                assert status == 201, (status, reply)
            if not killed:
                # Kill worker 0 while it holds a job (SIGKILL: no chance to release the lease).
                end = time.time() + 60
                while time.time() < end and not psql(url, "SELECT id FROM jobs WHERE status = 'running' AND lease_owner LIKE 'w0-%'"):
                    time.sleep(0.05)
                held = psql(url, "SELECT id, kind FROM jobs WHERE status = 'running' AND lease_owner LIKE 'w0-%'")
                assert held, "worker 0 never took a job"
                processes.kill("worker-0")
                killed_job = held[0][0]
                killed = True
                log(f"killed worker 0 holding job {killed_job} ({held[0][1]})")
        for number, (session_id, invitation) in enumerate(sessions):
            status, _ = call(servers[number % 2], "POST", f"/api/sessions/{session_id}/end", invitation, {"last_index": CHUNKS - 1})
            assert status == 202

        end = time.time() + 300
        pending = list(sessions)
        while pending and time.time() < end:
            pending = [s for s in pending if not call(servers[0], "GET", f"/api/sessions/{s[0]}/review", token)[1].get("recording", {}).get("finalized")]
            time.sleep(1)
        assert not pending, f"{len(pending)} sessions not finalized in time"

        # Exactly once: one processing job per chunk, done; one finalization per session; no gaps.
        per_chunk = psql(url, "SELECT session_id, chunk_index, count(*), bool_and(status = 'done') FROM jobs WHERE kind = 'process_chunk' GROUP BY 1, 2")
        assert len(per_chunk) == SESSIONS * CHUNKS, per_chunk
        assert all(row[2] == "1" and row[3] == "t" for row in per_chunk), per_chunk
        finals = psql(url, "SELECT session_id, count(*) FROM milestones WHERE kind = 'finalized' GROUP BY 1")
        assert len(finals) == SESSIONS and all(row[1] == "1" for row in finals), finals
        for session_id, _ in sessions:
            review = call(servers[1], "GET", f"/api/sessions/{session_id}/review", token)[1]
            assert review["recording"]["gaps"] == [], review["recording"]
            assert abs(review["recording"]["video_duration"] - CHUNKS * CHUNK_SECONDS) < 1.5, review["recording"]["video_duration"]
            assert set(review["figures"]["recording"]["by_status"]) <= {"merged", "processed"}, review["figures"]
        # Encrypted at rest, the original through the API (any server, any worker's key: one master key):
        # the bucket's object read raw through Swift's own API is not WebM.
        session_id = sessions[0][0]
        stored = raw_object(f"{prefix}/sessions/{session_id}/master.webm")
        assert len(stored) > 1000 and stored[:4] != b"\x1a\x45\xdf\xa3", "the master in the bucket is not WebM"
        status, head = call(servers[1], "GET", f"/api/sessions/{session_id}/video", token, headers={"Range": "bytes=0-3"}, raw=True)
        assert status == 206 and head == b"\x1a\x45\xdf\xa3", (status, head)
        modes = {name: oct((work / name).stat().st_mode & 0o777) for name in ["serve-0", "worker-0"]}
        assert set(modes.values()) == {"0o700"}, modes
        log(f"blobs encrypted in the bucket ({len(stored)} bytes of master, not WebM), served as WebM; data folders {modes}")
        taken_over = psql(url, f"SELECT status, attempts, lease_owner FROM jobs WHERE id = {killed_job}")[0]
        assert taken_over[0] == "done" and int(taken_over[1]) >= 2, taken_over
        owners = psql(url, "SELECT DISTINCT split_part(lease_owner, '-', 1) FROM jobs WHERE lease_owner IS NOT NULL")
        attempts = psql(url, "SELECT kind, sum(attempts), count(*) FROM jobs GROUP BY 1 ORDER BY 1")
        log(f"jobs by kind (attempts, jobs): {attempts}; killed worker's job finished with {taken_over[1]} attempts")
        # Every blob went through the bucket: the master videos play from there (ranged), and no
        # process kept a blob, or left a scratch copy, in its own folder.
        for session_id, _ in sessions:
            status, head = call(servers[0], "GET", f"/api/sessions/{session_id}/video", token, raw=True, headers={"Range": "bytes=0-3"})
            assert status == 206 and head == b"\x1a\x45\xdf\xa3", (status, head[:8])
        for name in ["serve-0", "serve-1", "worker-1", "worker-2"]:
            left = [path for path in files_in(work / name) if path.startswith("blobs/") or path.startswith("scratch/")]
            assert not left, f"{name} kept blobs in its own folder: {left[:5]}"
        log(f"PASS: {SESSIONS} sessions x {CHUNKS} chunks through 2 servers and 3 workers sharing only PostgreSQL and S3; every chunk processed once, every session finalized once")
    finally:
        processes.stop_all()
        shutil.rmtree(work, ignore_errors=True)
        try:
            psql(server_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        except subprocess.CalledProcessError:
            pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/proctor"))
    parser.add_argument("--database", default=os.environ.get("PROCTOR_TEST_DATABASE_URL", ""))
    arguments = parser.parse_args()
    if not arguments.database:
        log("FAIL: no --database / PROCTOR_TEST_DATABASE_URL (start one with scripts/postgres.sh start)")
        sys.exit(1)
    try:
        run(Path(arguments.binary).resolve(), arguments.database)
    except AssertionError as error:
        log(f"FAIL: {error}")
        sys.exit(1)
