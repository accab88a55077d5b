#!/usr/bin/env python3
"""The web app in a real browser: Debian's headless Chromium with a fake webcam, driven by
chromium-driver through Selenium.

A candidate gives consent, enrols a reference photo, calibrates their gaze, streams live frames and uploads video
pieces (with the upload route blocked for a while, to prove that nothing is lost offline); the
server records the analyses and chunks; the dashboard lists the session, shows its findings once
the worker has processed it, and clicking a finding seeks the video to it (within 2 s).

Sound: the consent notice names the microphone, the camera check shows its level (Chromium's fake
microphone beeps), and the stored pieces carry an Opus stream (ffprobe); where the server's pages
forbid the microphone (Permissions-Policy `microphone=()`), the exam goes on video only and says
why. A second session created with `"audio":"off"` never asks for the microphone and its pieces
have no sound.

Review (issue 16): every timeline mark is a button of at least 24×24 px that is what a click at its centre
hits (`document.elementFromPoint`), in time order in the page. The incident case: a second browser whose fake
camera shows a webcam clip, then a photo of three other people for longer than a piece (so across a piece
boundary); the dashboard shows the unopened invitation as invited, then the row live with its duration moving
from the feed; the review shows one incident with two findings (multiple_people + identity_mismatch), each one
span across the boundary; a failed save says so and keeps the note;
note then Dismiss keeps the note after a reload; and the printed page (DevTools `Page.printToPDF`, read with
poppler's `pdftotext`, `pdfimages` and `pdftoppm`) shows the snapshots, note, decision and reviewer and no control.

Screenshots of every page go to artifacts/browser/. Run by scripts/test.sh; alone:
    /usr/bin/python3 Tests/Browser/web_app_test.py --binary .build/debug/proctor
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = Path(os.environ.get("PROCTOR_TESTDATA", ROOT.parent / "shared" / "testdata"))
ARTIFACTS = ROOT / "artifacts" / "browser"
CHUNK_SECONDS = 5
ADMIN = "head-proctor"
PASSWORD = "correct horse battery staple"


def log(message):
    print(f"[browser] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_fake_camera(path):
    """18 s that loop: the candidate alone (8 s), three people (5 s), an empty room (5 s)."""
    scale = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=15,format=yuv420p,setsar=1"
    subprocess.run([
        "ffmpeg", "-nostdin", "-y", "-v", "error",
        "-t", "8", "-i", str(TESTDATA / "video/webcam_gaze_center_left_center.mp4"),
        "-loop", "1", "-t", "5", "-i", str(TESTDATA / "objects_people/unsplash_three_business_people.jpg"),
        "-loop", "1", "-t", "5", "-i", str(TESTDATA / "no_face/nyu_empty_classroom.jpg"),
        "-filter_complex", f"[0:v]{scale}[a];[1:v]{scale}[b];[2:v]{scale}[c];[a][b][c]concat=n=3:v=1:a=0[v]",
        "-map", "[v]", "-pix_fmt", "yuv420p", str(path),
    ], check=True)


class Server:
    def __init__(self, binary, data, extra_env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data / "server.log"
        env = dict(os.environ, PROCTOR_SERVER__DATA_DIRECTORY=str(data / "data"), PROCTOR_SERVER__PORT=str(self.port), **(extra_env or {}))
        env.pop("DATABASE_URL", None)
        # The first admin comes from the command line; there is no default password.
        subprocess.run([str(binary), "admin", "create", "--username", ADMIN, "--password-stdin"], input=PASSWORD + "\n", text=True,
                       env=env, cwd=ROOT, check=True, capture_output=True)
        self.process = subprocess.Popen([str(binary), "serve", "--log-level", "info"], cwd=ROOT, env=env,
                                        stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if self.get("/health")["status"] == "healthy":
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        raise RuntimeError("server did not become healthy in 120 s")

    def login(self):
        request = urllib.request.Request(self.base + "/api/auth/login", data=json.dumps({"username": ADMIN, "password": PASSWORD}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            self.token = json.loads(response.read())["token"]

    def get(self, path, token=None):
        token = token or getattr(self, "token", None)
        request = urllib.request.Request(self.base + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def raw(self, path):
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def browser(camera):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-video-capture={camera}", "--autoplay-policy=no-user-gesture-required"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def wait(driver, condition, timeout, message):
    try:
        # The pages re-render lists (replaceChildren): an element found a moment ago may be gone; look again.
        return WebDriverWait(driver, timeout, poll_frequency=0.25, ignored_exceptions=[NoSuchElementException, StaleElementReferenceException]
                             ).until(lambda d: condition(d))
    except Exception as error:
        raise AssertionError(f"timed out after {timeout} s: {message}") from error


def shot(driver, name):
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    log(f"screenshot {path.relative_to(ROOT)}")


class ChunkCollector:
    """Copies every video piece the server stores for a session (`<data>/blobs/sessions/<id>/chunks/*.webm`)
    as it appears: the worker merges and deletes them once processed."""

    def __init__(self, data, session_id, destination):
        self.source = data / "data" / "blobs" / "sessions" / session_id / "chunks"
        self.data, self.session_id = data / "data", session_id
        self.destination = destination
        destination.mkdir(parents=True, exist_ok=True)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        while not self.stopped.is_set():
            for path in sorted(self.source.glob("*.webm")) if self.source.is_dir() else []:
                target = self.destination / path.name
                if not target.exists():
                    try:
                        shutil.copyfile(path, target)
                    except OSError:
                        pass  # merged away between the listing and the copy
            self.stopped.wait(0.2)

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        copies = sorted(self.destination.glob("*.webm"))
        # The server stores them encrypted (README, Protection at rest): open each with its session's key.
        for path in copies:
            path.write_bytes(open_blob(self.data, f"sessions/{self.session_id}/chunks/{path.name}", path.read_bytes()))
        return copies


def open_blob(data, key, stored):
    """The plaintext of a blob as `EncryptingBlobStore` stores it: the session's data key from
    `session_keys`, opened with the master key file beside the data folder, then every AES-GCM segment
    (the blob key, segment index and last flag as associated data). A blob without the header is plain."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    if stored[:8] != b"PRCTENC1":
        return stored
    session = key.split("/")[1]
    master = bytes.fromhex((data.parent / f"{data.name}-keys" / "master.key").read_text().strip())
    with sqlite3.connect(data / "proctor.sqlite") as db:
        (wrapped,) = db.execute("SELECT wrapped_key FROM session_keys WHERE session_id = ?", (session,)).fetchone()
    sealed = base64.b64decode(wrapped)
    data_key = AESGCM(master).decrypt(sealed[:12], sealed[12:], f"proctor data key {session}".encode())
    segment = int.from_bytes(stored[8:12], "big")
    body, plain, index = stored[16:], b"", 0
    while True:
        piece = body[:segment + 28]
        body = body[segment + 28:]
        last = not body
        aad = key.encode() + b"\0" + index.to_bytes(8, "big") + (b"\1" if last else b"\0")
        plain += AESGCM(data_key).decrypt(piece[:12], piece[12:], aad)
        index += 1
        if last:
            return plain


def audio_codecs(path):
    """The codecs of a file's audio streams, from ffprobe."""
    result = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-select_streams", "a", "-of", "json", str(path)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        shutil.copy(path, ARTIFACTS / path.name)
        raise AssertionError(f"ffprobe cannot read {path.name} ({path.stat().st_size} bytes, kept in artifacts/browser): {result.stderr.strip()}")
    return [stream.get("codec_name") for stream in json.loads(result.stdout).get("streams", [])]


def page_allows_microphone(url):
    """Whether a page of the server lets its scripts use the microphone (its Permissions-Policy)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        policy = response.headers.get("Permissions-Policy", "")
    return "microphone=()" not in policy.replace(" ", ""), policy


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def data(driver, element_id, key):
    return driver.find_element(By.ID, element_id).get_attribute(f"data-{key}")


# The candidate's steps live in the SDK's <proctor-exam> element, inside its (open) shadow root.
SDK_ROOT = "document.querySelector('proctor-exam').shadowRoot"


def sdk(driver, element_id):
    return driver.find_element(By.CSS_SELECTOR, "proctor-exam").shadow_root.find_element(By.CSS_SELECTOR, f"#{element_id}")


def sdk_data(driver, element_id, key):
    return sdk(driver, element_id).get_attribute(f"data-{key}")


# Before the page loads: note every getUserMedia request (and refuse the microphone when DENY is true, as a
# candidate who clicks "Block" would); where the server does not yet tell the page the exam's audio policy, tell
# it POLICY as the server would (only when the candidate answer has no "audio").
MEDIA_PROBE = """
window.__proctorMedia = [];
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) => {
  window.__proctorMedia.push(JSON.stringify(constraints));
  if (DENY && constraints.audio) return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  return getUserMedia(constraints);
};
const policy = POLICY;
if (policy) {
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await original(input, init);
    if (!String(input).endsWith('/candidate') || !response.ok) return response;
    const body = await response.clone().json();
    if ('audio' in body) return response;
    return new Response(JSON.stringify({ ...body, audio: policy }), { status: response.status, headers: response.headers });
  };
}
"""


def media_probe(told, policy, deny=False):
    """The probe above for an exam created with `policy`; `told` is what the server's candidate answer says."""
    if told is None:
        log(f"the server does not tell the page the audio policy yet: the test tells it {policy!r}")
    return MEDIA_PROBE.replace("DENY", "true" if deny else "false").replace("POLICY", json.dumps(policy) if told is None else "null")


def create_session(server, exam, candidate, audio):
    request = urllib.request.Request(server.base + "/api/sessions", method="POST", data=json.dumps(
        {"exam_id": exam, "candidate_id": candidate, "chunk_seconds": CHUNK_SECONDS, "audio": audio}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        created = json.loads(response.read())
    told = server.get(f"/api/sessions/{created['id']}/candidate", created["upload_token"]).get("audio")
    assert told in (None, audio), f"the server keeps the exam's audio policy: {told}"
    return created, told


def audio_required(driver, server):
    """An exam that requires the microphone, with the microphone refused: the notice says it is needed, the
    camera check says so calmly and offers to try again, and the exam cannot start."""
    created, told = create_session(server, "oral-3", "mute", "required")
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": media_probe(told, "required", deny=True)})
        driver.get(server.base + created["invitation_url"])
        wait(driver, lambda d: sdk(d, "step-consent").is_displayed(), 20, "consent step shown (microphone required)")
        assert "needs your microphone" in sdk(driver, "consent-microphone").text, sdk(driver, "consent-microphone").text
        sdk(driver, "consent-check").click()
        sdk(driver, "consent-accept").click()
        wait(driver, lambda d: sdk(d, "microphone-needed").is_displayed(), 20, "the camera check says the microphone is needed")
        text = sdk(driver, "microphone-needed-text").text
        assert text.startswith("This exam needs your microphone. Please allow it, or connect one, then try again"), text
        assert not sdk(driver, "start-exam").is_enabled() and sdk(driver, "microphone-retry").is_enabled(), "no start without the microphone; a retry"
        sdk(driver, "microphone-retry").click()
        wait(driver, lambda d: sdk(d, "microphone-retry").is_enabled(), 20, "tried again")
        host = driver.find_element(By.CSS_SELECTOR, "proctor-exam")
        assert host.get_attribute("data-audio") == "needed" and not sdk(driver, "start-exam").is_enabled(), host.get_attribute("data-audio")
        shot(driver, "3d-candidate-microphone-required")
        log(f"microphone required and refused: {text}")
    finally:
        driver.close()
        driver.switch_to.window(first_tab)


def audio_off(driver, server, work, camera):
    """An exam created with "audio":"off": the notice says no sound is recorded, the page never asks for the
    microphone, sends audio_unavailable (policy_off) once, and its stored pieces have no audio stream."""
    created, told = create_session(server, "art-7", "quiet", "off")
    session_id, token = created["id"], created["upload_token"]
    collector = ChunkCollector(work, session_id, work / "chunks-audio-off")
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": media_probe(told, "off")})
        driver.get(server.base + created["invitation_url"])
        wait(driver, lambda d: sdk(d, "step-consent").is_displayed(), 20, "consent step shown (audio off)")
        assert not sdk(driver, "consent-microphone").is_displayed() and sdk(driver, "sound-none").is_displayed(), "no sound: the notice says so"
        sdk(driver, "consent-check").click()
        sdk(driver, "consent-accept").click()
        wait(driver, lambda d: sdk(d, "step-camera").is_displayed(), 20, "camera step shown (audio off)")
        wait(driver, lambda d: d.execute_script(f"return {SDK_ROOT}.getElementById('camera-preview').videoWidth") > 0, 20, "camera preview plays")
        assert not sdk(driver, "microphone-check").is_displayed(), "no level meter without sound"
        # The reference photo over the API (a frame of the fake camera), then the page again: it is on file.
        photo = work / "reference-off.jpg"
        subprocess.run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-ss", "1", "-i", str(camera), "-frames:v", "1", str(photo)], check=True)
        enrol = urllib.request.Request(f"{server.base}/api/sessions/{session_id}/reference", data=photo.read_bytes(), method="POST",
                                       headers={"Content-Type": "image/jpeg", "Authorization": f"Bearer {token}"})
        urllib.request.urlopen(enrol, timeout=60).close()
        driver.refresh()
        wait(driver, lambda d: sdk(d, "start-exam").is_enabled(), 20, "start enabled with the reference on file")
        sdk(driver, "start-exam").click()
        wait(driver, lambda d: sdk(d, "step-calibration").is_displayed(), 20, "calibration step shown")
        sdk(driver, "calibration-continue").click()
        wait(driver, lambda d: int(sdk_data(d, "fact-uploads", "uploaded") or 0) >= 1, CHUNK_SECONDS * 4, "a video piece uploads (audio off)")
        host = driver.find_element(By.CSS_SELECTOR, "proctor-exam")
        requests = driver.execute_script("return window.__proctorMedia")
        assert requests and all(json.loads(r).get("audio") in (False, None) for r in requests), f"the microphone is never asked for: {requests}"
        assert host.get_attribute("data-audio") == "off" and host.get_attribute("data-audio-reported") == "policy_off", \
            (host.get_attribute("data-audio"), host.get_attribute("data-audio-reported"))
        shot(driver, "6b-candidate-audio-off")
        end = sdk(driver, "end-exam")
        end.click()
        end.click()
        wait(driver, lambda d: sdk(d, "done-facts").get_attribute("data-uploaded"), 60, "the exam ends (audio off)")
    finally:
        driver.close()
        driver.switch_to.window(first_tab)
    stored = collector.stop()
    codecs = {path.name: audio_codecs(path) for path in stored}
    log(f"audio off: {len(requests)} camera requests {requests}; audio streams in its pieces: {codecs}")
    assert stored and not any(codecs.values()), f"pieces of an exam without sound have no audio stream: {codecs}"


# The review page with sound findings: where the recording yielded none (a beep is not speech), the test adds
# three to the page's review answer, as the server sends them (source "audio", a clip as evidence).
SOUND_FINDINGS = """
const original = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const response = await original(input, init);
  if (!String(input).endsWith('/review') || !response.ok) return response;
  const body = await response.clone().json();
  if (body.events.some((event) => event.source === 'audio')) return response;
  const base = String(input).replace(/\\/review$/, '');
  const finding = (id, type, start, end, clip) => ({ id, source: 'audio', type, label: type, description: null, start, end, duration: end - start,
    confidence: 0.8, severity: 0.5, frames: 0, details: {}, evidence_url: clip ? `${base}/events/${id}/evidence` : null, evidence_type: clip ? 'audio' : null,
    decision: null, note: null, reviewer: null, accommodation_scale: 1 });
  body.events.push(finding('sound-talking', 'talking', 1, 3, true), finding('sound-voice', 'other_voice', 5, 8, true),
    finding('sound-no-face', 'speech_no_face', 9, 10, false));
  return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
};
"""


def label_of(kind):
    return {"talking": "The candidate was talking", "other_voice": "Someone else was speaking",
            "speech_no_face": "Speech with no face in view"}.get(kind, kind.replace("_", " "))


def review_sound(driver, server, session_id, review):
    """The speech activity lane under the timeline (a mark per sound finding, by kind, with a legend) and the
    evidence panel's clip player (`<audio controls preload="none">` instead of the snapshot): with the
    recording's own sound findings where it has any, else with the three the probe adds."""
    sound = [e for e in review["events"] if e["source"] == "audio" and e["start"] is not None]
    clip = next((e for e in sound if e["evidence_url"] and e.get("evidence_type") == "audio"), None)
    if sound:
        log(f"the recording's own sound findings: {[(e['type'], round(e['start'], 1)) for e in sound]}")
    else:
        clip = {"id": "sound-voice", "type": "other_voice", "start": 5.0}
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        if not sound:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SOUND_FINDINGS})
        driver.get(f"{server.base}/admin/sessions/{session_id}")
        marks = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#speech-lane .mark"), 30, "the speech lane shows the sound findings")
        wait(driver, lambda d: d.execute_script("return document.getElementById('video').readyState") >= 1, 30, "video metadata loaded")
        lane = driver.find_element(By.ID, "speech-lane")
        assert lane.get_attribute("role") == "group" and "Speech activity" in lane.get_attribute("aria-label"), lane.get_attribute("aria-label")
        labels = [mark.get_attribute("aria-label") for mark in marks]
        assert len(marks) == (len(sound) or 3), labels
        assert not driver.find_elements(By.CSS_SELECTOR, "#timeline .mark.speech"), "sound findings are drawn on the speech lane only"
        if not sound:
            assert any(t.startswith("Someone else was speaking, 0:05") for t in labels) and any(t.startswith("The candidate was talking") for t in labels), labels
        legend = driver.find_element(By.ID, "speech-legend").text
        assert all(name in legend for name in ["The candidate was talking", "Someone else was speaking", "Speech with no face in view"]), legend
        if clip:
            mark = next(m for m in marks if m.get_attribute("data-event-id") == clip["id"])
            mark.click()
            wait(driver, lambda d: abs(d.execute_script("return document.getElementById('video').currentTime") - clip["start"]) <= 2, 15,
                 "a speech mark seeks the video")
            player = driver.find_element(By.ID, "evidence-audio")
            assert player.is_displayed() and player.tag_name == "audio" and player.get_attribute("preload") == "none", "a sound clip gets a player"
            assert player.get_attribute("controls") is not None and player.get_attribute("src").endswith(f"/events/{clip['id']}/evidence"), \
                player.get_attribute("src")
            assert not driver.find_element(By.ID, "evidence-image").is_displayed(), "no snapshot for a sound clip"
            assert label_of(clip["type"]) in driver.find_element(By.ID, "evidence-type").text, driver.find_element(By.ID, "evidence-type").text
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", lane)
        shot(driver, "8b-review-speech")
        log(f"speech lane: {labels}")
    finally:
        driver.close()
        driver.switch_to.window(first_tab)


# Every mark of the review timeline and the speech lane: a button at least 24×24 px, the element at its centre
# (what a real click hits), and, in the page, in time order (the Tab order follows the time).
MARKS = """
const marks = [...document.querySelectorAll('#timeline .mark, #timeline .milestone, #speech-lane .mark')];
return marks.map((mark) => {
  mark.scrollIntoView({ block: 'center', inline: 'nearest' });
  const box = mark.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return { label: mark.getAttribute('aria-label'), lane: mark.closest('#speech-lane') ? 'speech' : 'timeline', start: Number(mark.dataset.start),
           width: box.width, height: box.height, count: Number(mark.dataset.count || 1), hit: hit === mark || mark.contains(hit),
           on: hit ? (hit.getAttribute('aria-label') || hit.className || hit.tagName) : null };
});
"""


def check_marks(driver, where):
    """Every mark clickable at its centre, none smaller than 24×24 px, the timeline's buttons in time order."""
    marks = driver.execute_script(MARKS)
    assert marks, f"{where}: the timeline has marks"
    covered = [m for m in marks if not m["hit"]]
    assert not covered, f"{where}: marks covered at their centre: {covered}"
    small = [m for m in marks if m["width"] < 23.5 or m["height"] < 23.5]
    assert not small, f"{where}: marks smaller than 24×24 px: {small}"
    starts = [m["start"] for m in marks if m["lane"] == "timeline"]
    assert starts == sorted(starts), f"{where}: the timeline's buttons are not in time order: {starts}"
    merged = [m["label"] for m in marks if m["count"] > 1]
    log(f"{where}: {len(marks)} marks, each clickable at its centre and at least 24×24 px; merged: {merged}")
    return marks


def make_incident_camera(path):
    """The incident case: the candidate alone (15 s), then a photo of three other people (8 s: longer than a
    piece, so it crosses a piece boundary wherever the recording began), then the candidate again."""
    scale = "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=15,format=yuv420p,setsar=1"
    subprocess.run([
        "ffmpeg", "-nostdin", "-y", "-v", "error",
        "-t", "15", "-i", str(TESTDATA / "video/webcam_gaze_center_left_center.mp4"),
        "-loop", "1", "-t", str(INCIDENT_PHOTO_SECONDS), "-i", str(TESTDATA / "objects_people/unsplash_three_business_people.jpg"),
        "-t", "15", "-i", str(TESTDATA / "video/webcam_gaze_center_left_center.mp4"),
        "-filter_complex", f"[0:v]{scale}[a];[1:v]{scale}[b];[2:v]{scale}[c];[a][b][c]concat=n=3:v=1:a=0[v]",
        "-map", "[v]", "-pix_fmt", "yuv420p", str(path),
    ], check=True)


INCIDENT_PHOTO_SECONDS = 8
INCIDENT_NOTE = "Three strangers in view for about 8 s; the candidate is not among them."



def finalized_review(server, session_id, seconds, what):
    """The session's review once the worker has finalized it (asked every 2 s for `seconds`); else an
    AssertionError saying `what`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        review = server.get(f"/api/sessions/{session_id}/review")
        if review["recording"]["finalized"]:
            return review
        time.sleep(2)
    raise AssertionError(what)


def incident_review(binary_server, work):
    """A webcam clip, then a group photo of other people across a piece boundary: the review shows one incident
    with two findings (multiple_people + identity_mismatch), each one span across the boundary; every mark is
    clickable at its centre; a note then Dismiss keeps the note after a reload (and a failed save says so and
    keeps the text); the printed page (Chromium's print to PDF) shows the snapshots, notes and reviewer and no
    control."""
    server = binary_server
    camera = work / "incident.y4m"
    make_incident_camera(camera)
    created, told = create_session(server, "law-2", "grace", "on")
    session_id = created["id"]
    driver = browser(camera)
    driver.set_page_load_timeout(60)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": media_probe(told, "on")})
        # The dashboard first: an invitation nobody opened is "Invited", not "Active 0:00".
        driver.get(server.base + "/login")
        driver.find_element(By.ID, "username").send_keys(ADMIN)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        wait(driver, lambda d: d.current_url.endswith("/admin"), 20, "login (incident case)")
        row = f"#sessions tr[data-session-id='{session_id}']"
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, row).get_attribute("data-state") == "invited", 20, "an unopened invitation is invited")
        cells = driver.find_element(By.CSS_SELECTOR, row).text
        # No running clock ("0:00"), whatever the time of day of the invitation ("10:00 AM" holds "0:00").
        assert "Invited" in cells and "Active" not in cells and not re.search(r"\b0:00\b(?!\s*[AP]M)", cells), cells
        assert driver.execute_script("return document.getElementById('new-exam').getBoundingClientRect().top < document.getElementById('sessions').getBoundingClientRect().top"), \
            "the invite form comes before the sessions table"
        dashboard = driver.current_window_handle
        # The candidate in a window of their own: it stays visible (not a background tab) while the dashboard is looked at.
        driver.switch_to.new_window("window")
        candidate = driver.current_window_handle
        driver.get(server.base + created["invitation_url"])
        wait(driver, lambda d: sdk(d, "step-consent").is_displayed(), 20, "consent step shown (incident case)")
        sdk(driver, "consent-check").click()
        sdk(driver, "consent-accept").click()
        wait(driver, lambda d: sdk(d, "step-camera").is_displayed(), 20, "camera step shown (incident case)")
        wait(driver, lambda d: d.execute_script(f"return {SDK_ROOT}.getElementById('camera-preview').videoWidth") > 0, 20, "camera preview plays")
        camera_started = time.time()
        consent = next(m for m in server.get(f"/api/sessions/{session_id}/review")["milestones"] if m["kind"] == "consent")
        assert "microphone" in consent["details"]["items"], consent
        for attempt in range(4):
            sdk(driver, "capture" if attempt == 0 else "retake").click()
            status = wait(driver, lambda d: (lambda t: t if t.startswith("Photo") else None)(sdk(d, "reference-status").text), 30, "reference checked")
            if status.startswith("Photo accepted"):
                break
        else:
            raise AssertionError("the reference photo was never accepted (incident case)")
        sdk(driver, "start-exam").click()
        wait(driver, lambda d: sdk(d, "step-calibration").is_displayed(), 20, "calibration step shown (incident case)")
        sdk(driver, "calibration-continue").click()
        wait(driver, lambda d: int(sdk_data(d, "fact-rate", "analyses") or 0) >= 3, 60, "live analyses arrive (incident case)")
        started = time.time() - camera_started
        assert started < 14, f"the exam started {started:.1f} s after the camera, before the strangers appear at 15 s"
        # The dashboard's row is live now, and counts on from the feed without a reload.
        driver.switch_to.window(dashboard)
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, row).get_attribute("data-state") == "live", 20, "the row turns live from the feed")
        first = driver.find_element(By.CSS_SELECTOR, f"{row} td.duration").text
        time.sleep(2.5)
        later = driver.find_element(By.CSS_SELECTOR, f"{row} td.duration").text
        assert first != later, f"a live row's duration moves without a reload: {first} → {later}"
        log(f"dashboard row live, duration {first} → {later}")
        driver.switch_to.window(candidate)
        # The strangers leave at 23 s of the camera; a few seconds of the candidate after them, then the end.
        time.sleep(max(0.0, camera_started + 15 + INCIDENT_PHOTO_SECONDS + 4 - time.time()))
        end = sdk(driver, "end-exam")
        end.click()
        end.click()
        wait(driver, lambda d: sdk(d, "done-facts").get_attribute("data-uploaded"), 90, "the exam ends (incident case)")
        driver.close()
        driver.switch_to.window(dashboard)

        review = finalized_review(server, session_id, 240, "the worker finalizes the incident session")
        chunks = server.get(f"/api/sessions/{session_id}/chunks", created["upload_token"])["chunks"]
        boundaries, total = [], 0.0
        for chunk in sorted(chunks, key=lambda c: c["index"]):
            total += chunk["duration"] or 0
            boundaries.append(round(total, 2))
        strangers = [e for e in review["events"] if e["type"] in ("multiple_people", "identity_mismatch")]
        log(f"incident case: pieces end at {boundaries}; findings {[(e['type'], e['start'], e['end'], e.get('incident_id')) for e in review['events']]}; "
            f"incidents {review.get('incidents')}")
        assert {e["type"] for e in strangers} == {"multiple_people", "identity_mismatch"}, strangers
        assert all(e["start"] is not None for e in review["events"] if e["source"] == "recorded"), "every recorded finding has its place"
        # Episodes joined across pieces, and incidents (the server's side of issue 16).
        by_type = {kind: [e for e in strangers if e["type"] == kind] for kind in ("multiple_people", "identity_mismatch")}
        assert all(len(found) == 1 for found in by_type.values()), f"each kind is one span, not split at a piece boundary: {by_type}"
        for finding in strangers:
            assert any(finding["start"] < b < finding["end"] for b in boundaries[:-1]), f"{finding['type']} spans a piece boundary {boundaries}: {finding}"
        on_video = [i for i in review["incidents"] if i["start"] is not None]
        assert len(on_video) == 1, review["incidents"]
        incident = on_video[0]
        assert sorted(incident["finding_ids"]) == sorted(e["id"] for e in strangers), incident
        assert set(incident["types"]) == {"multiple_people", "identity_mismatch"} and incident["id"] == f"incident-{incident['finding_ids'][0]}", incident
        assert all(e["incident_id"] == incident["id"] for e in strangers), strangers

        # --- The review page: every mark clickable at its centre; one incident entry with its findings ---
        driver.get(f"{server.base}/admin/sessions/{session_id}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline .mark"), 30, "timeline marks shown (incident case)")
        check_marks(driver, "incident review")
        chosen = incident["finding_ids"]
        target = f"#events tbody.incident[data-incident-id='{incident['id']}'] tr.incident-head button"
        entry = driver.find_element(By.CSS_SELECTOR, f"#events tbody.incident[data-incident-id='{incident['id']}']")
        assert len(entry.find_elements(By.CSS_SELECTOR, "tr.in-incident")) == 2, entry.text
        assert driver.find_elements(By.CSS_SELECTOR, f"#timeline .mark.incident[data-incident-ids~='{incident['id']}']"), "the timeline marks the incident"
        driver.find_element(By.CSS_SELECTOR, target).click()
        wait(driver, lambda d: d.find_element(By.ID, "evidence-image").get_attribute("naturalWidth") not in (None, "0"), 15, "evidence shown (incident case)")
        note = driver.find_element(By.ID, "note")
        note.clear()
        note.send_keys(INCIDENT_NOTE)
        # A save that fails says so plainly and keeps the text.
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [f"*/api/sessions/{session_id}/events/*", f"*/api/sessions/{session_id}/incidents/*"]})
        driver.find_element(By.ID, "dismiss").click()
        wait(driver, lambda d: d.find_element(By.ID, "save-status").get_attribute("data-state") == "failed", 15, "a failed save says so")
        failed = driver.find_element(By.ID, "save-status").text
        assert failed.startswith("Not saved") and "Saved." not in failed and note.get_attribute("value") == INCIDENT_NOTE, (failed, note.get_attribute("value"))
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        # Then note and Dismiss together: "Saved." after the server answered, and the note is there after a reload.
        driver.find_element(By.ID, "dismiss").click()
        wait(driver, lambda d: d.find_element(By.ID, "save-status").text == "Saved.", 15, "note and decision saved")
        shot(driver, "9-review-incident")
        driver.refresh()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, target), 30, "review reloaded")
        driver.find_element(By.CSS_SELECTOR, target).click()
        wait(driver, lambda d: d.find_element(By.ID, "note").get_attribute("value") == INCIDENT_NOTE, 10, "the note is kept after a reload")
        decided = [e for e in server.get(f"/api/sessions/{session_id}/review")["events"]
                   if e["id"] in chosen]
        assert decided and all(e["decision"] == "dismissed" and e["note"] == INCIDENT_NOTE and e["reviewer"] == ADMIN for e in decided), decided

        # --- The printed report: snapshots, notes and reviewer; no controls -------------------------
        wait(driver, lambda d: d.execute_script("return document.body.dataset.printReady") == "yes", 30, "the report's snapshots are loaded")
        printed = int(driver.execute_script("return document.body.dataset.printImages"))
        assert printed >= 1, "the printed report has snapshots"
        pdf = work / "report.pdf"
        pdf.write_bytes(base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"]))
        shutil.copy(pdf, ARTIFACTS / "10-review-printed.pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        images = [line for line in subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:] if line.strip()]
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "10-review-printed")], check=True)
        flat = " ".join(text.split())
        assert INCIDENT_NOTE in flat, f"the printed report shows the note: {flat[:1500]}"
        assert ADMIN in flat and "dismissed" in flat, "the printed report shows the reviewer and the decision"
        controls = [word for word in ["Select a finding", "Save note", "Print report", "Mark session reviewed", "Export JSON", "Export CSV", "Delete session",
                                      "Processing figures", "Skip to content"] if word in flat]
        controls += [word for word in ["Confirm", "Dismiss"] if re.search(rf"\b{word}\b", flat)]
        assert not controls, f"no control is printed: {controls}"
        assert len(images) >= printed, f"the PDF holds the snapshots: {printed} in the page, pdfimages lists {len(images)}"
        log(f"printed report: {len(images)} images, note and reviewer present, no control labels ({len(text)} characters)")
        errors = console_errors(driver)
        assert not errors, f"browser console errors (incident case): {errors}"
    except Exception:
        shot(driver, "failure-incident")
        raise
    finally:
        driver.quit()


def run(binary):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="proctor-browser-"))
    camera = work / "camera.y4m"
    make_fake_camera(camera)
    server = Server(binary, work)
    driver = browser(camera)
    driver.set_page_load_timeout(60)
    errors = []
    try:
        # --- Dashboard: log in (the dashboard sends a logged-out visitor to the login page) -----------
        server.login()
        driver.get(server.base + "/admin")
        wait(driver, lambda d: "/login" in d.current_url, 20, "logged-out visitor is sent to the login page")
        driver.find_element(By.ID, "username").send_keys(ADMIN)
        driver.find_element(By.ID, "password").send_keys("wrong password")
        driver.find_element(By.ID, "login-submit").click()
        wait(driver, lambda d: d.find_element(By.ID, "login-error").is_displayed(), 10, "a wrong password is refused")
        shot(driver, "0-login")
        driver.find_element(By.ID, "password").clear()
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        wait(driver, lambda d: d.current_url.endswith("/admin"), 20, "login returns to the dashboard")
        driver.get_log("browser")  # the deliberate 401s above are expected; later errors are not

        # --- Dashboard: invite a candidate --------------------------------------------------------
        wait(driver, lambda d: "Live feed connected" in d.find_element(By.ID, "live-feed-status").text, 20, "live feed connects")
        driver.find_element(By.ID, "new-exam").send_keys("math-101")
        driver.find_element(By.ID, "new-candidate").send_keys("ada")
        chunk = driver.find_element(By.ID, "new-chunk")
        chunk.clear()
        chunk.send_keys(str(CHUNK_SECONDS))
        driver.find_element(By.CSS_SELECTOR, "#new-session button[type=submit]").click()
        link = wait(driver, lambda d: d.find_element(By.ID, "invite-link").text, 20, "invitation link shown")
        assert "/exam/" in link, link
        session_id = link.split("/exam/")[1].split("?")[0]
        log(f"invited session {session_id}")
        shot(driver, "1-dashboard-invite")

        # --- Candidate: consent ---------------------------------------------------------------------
        microphone_allowed, policy = page_allows_microphone(link)
        collector = ChunkCollector(work, session_id, work / "chunks-audio-on")
        driver.get(link)
        wait(driver, lambda d: sdk(d, "step-consent").is_displayed(), 20, "consent step shown")
        assert "token=" not in driver.current_url, "the token must leave the address bar"
        # The exam records sound (the default): the notice says what, why, who and how long, for the microphone too.
        microphone_notice = sdk(driver, "consent-microphone")
        assert microphone_notice.is_displayed() and "microphone" in microphone_notice.text.lower(), microphone_notice.text
        assert "speech" in microphone_notice.text and "as long as the video" in microphone_notice.text, microphone_notice.text
        assert not sdk(driver, "sound-none").is_displayed(), "the notice must not say that no sound is recorded"
        accept = sdk(driver, "consent-accept")
        assert not accept.is_enabled(), "consent cannot be given before ticking the box"
        shot(driver, "2-candidate-consent")
        sdk(driver, "consent-check").click()
        accept.click()

        # --- Candidate: reference photo (retaken until accepted: the fake camera loops three scenes) -
        wait(driver, lambda d: sdk(d, "step-camera").is_displayed(), 20, "camera step shown")
        wait(driver, lambda d: d.execute_script(f"return {SDK_ROOT}.getElementById('camera-preview').videoWidth") > 0, 20, "camera preview plays")
        token = driver.execute_script(f"return sessionStorage.getItem('proctor-token:{session_id}')")
        info = server.get(f"/api/sessions/{session_id}/candidate", token)
        assert info["consent_at"], "consent is recorded on the server"
        consent = next(m for m in server.get(f"/api/sessions/{session_id}/review")["milestones"] if m["kind"] == "consent")
        assert "microphone" in consent["details"]["items"], consent
        # The microphone: its level moves with the fake device's beep; or, where the page may not use it, video only.
        audio_state = driver.find_element(By.CSS_SELECTOR, "proctor-exam").get_attribute("data-audio")
        if microphone_allowed:
            assert audio_state == "on", f"the microphone is open with the camera: {audio_state}"
            assert sdk(driver, "microphone-check").is_displayed(), "the level meter shows in the camera check"
            meter = sdk(driver, "audio-meter")
            assert meter.get_attribute("role") == "meter" and meter.get_attribute("aria-labelledby") == "audio-meter-label", "the meter is labelled"
            wait(driver, lambda d: int(sdk(d, "audio-meter").get_attribute("data-peak") or 0) > 0, 15, "the level meter moves with the fake microphone's beep")
            wait(driver, lambda d: sdk(d, "audio-status").text.startswith("We can hear you"), 15, "the candidate is told the microphone works")
            log(f"microphone level peak {sdk(driver, 'audio-meter').get_attribute('data-peak')}: {sdk(driver, 'audio-status').text}")
            shot(driver, "3a-candidate-microphone")
        else:
            # The server's pages forbid the microphone: the exam goes on with video only, and the page says why once.
            assert audio_state == "unavailable", f"video only where the page may not use the microphone: {audio_state}"
            assert not sdk(driver, "microphone-check").is_displayed()
            log(f"the server's pages forbid the microphone ({policy}): video only")
        for attempt in range(8):
            button = sdk(driver, "capture" if attempt == 0 else "retake")
            button.click()
            status = wait(driver, lambda d: (lambda t: t if t.startswith("Photo") else None)(sdk(d, "reference-status").text), 30, "reference checked")
            log(f"reference attempt {attempt + 1}: {status}")
            if status.startswith("Photo accepted"):
                break
            time.sleep(1)
        else:
            raise AssertionError("the reference photo was never accepted")
        shot(driver, "3-candidate-reference")

        # --- Candidate: the optional gaze calibration (retried until accepted, like the photo) -------
        sdk(driver, "start-exam").click()
        wait(driver, lambda d: sdk(d, "step-calibration").is_displayed(), 20, "calibration step shown")
        for attempt in range(6):
            sdk(driver, "calibrate").click()
            wait(driver, lambda d: sdk(d, "calibration-stage").is_displayed(), 10, "the calibration dot is shown")
            if attempt == 0:
                shot(driver, "3b-candidate-calibration-dot")
            status = wait(driver, lambda d: (lambda t: t if t.startswith("Calibrat") else None)(sdk(d, "calibration-status").text), 60,
                          "calibration checked")
            log(f"calibration attempt {attempt + 1}: {status}")
            if status.startswith("Calibrated"):
                break
        else:
            raise AssertionError("the gaze calibration was never accepted")
        assert sdk_data(driver, "calibration-status", "calibrated") == "explicit", "the server stored the calibration step"
        shot(driver, "3c-candidate-calibrated")

        # --- Candidate: the exam, with uploads blocked for a while ------------------------------
        sdk(driver, "calibration-continue").click()
        wait(driver, lambda d: int(sdk_data(d, "fact-rate", "analyses") or 0) >= 5, 60, "live analyses arrive")
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [f"*/api/sessions/{session_id}/chunks/*"]})
        log("uploads blocked")
        wait(driver, lambda d: int(sdk_data(d, "fact-uploads", "pending") or 0) >= 1, CHUNK_SECONDS * 3, "a piece waits while uploads are blocked")
        time.sleep(CHUNK_SECONDS + 1)
        pending_offline = int(sdk_data(driver, "fact-uploads", "pending"))
        shot(driver, "4-candidate-exam-offline")
        assert pending_offline >= 1, "pieces wait in IndexedDB while offline"
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        log(f"uploads restored with {pending_offline} waiting")
        wait(driver, lambda d: int(sdk_data(d, "fact-uploads", "pending") or 0) == 0 and int(sdk_data(d, "fact-uploads", "uploaded") or 0) >= pending_offline, 60,
             "waiting pieces upload after the network is back")
        # The proctor's live grid shows the candidate, with a snapshot, while the exam runs.
        candidate_tab = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.get(server.base + "/admin")
        wait(driver, lambda d: d.execute_script(
            f"const img = document.querySelector(\"#live-grid article[data-session-id='{session_id}'] img\"); return img && img.complete && img.naturalWidth > 0"),
            20, "the live grid shows the session's snapshot")
        shot(driver, "5a-dashboard-live-grid")
        driver.close()
        driver.switch_to.window(candidate_tab)
        time.sleep(CHUNK_SECONDS * 2)
        shot(driver, "5-candidate-exam")
        analyses = int(sdk_data(driver, "fact-rate", "analyses"))
        reported = driver.find_element(By.CSS_SELECTOR, "proctor-exam").get_attribute("data-audio-reported") or ""
        assert reported in ([""] if microphone_allowed else ["refused", "no_microphone"]), f"audio_unavailable sent only without a microphone: {reported!r}"
        notice = sdk(driver, "fact-alert").text
        assert notice != "None", "the candidate is told in plain words when three people or an empty room are in view"
        log(f"candidate's last notice: {notice}")
        end = sdk(driver, "end-exam")
        end.click()
        end.click()
        wait(driver, lambda d: sdk(d, "done-facts").get_attribute("data-uploaded"), 90, "the exam ends after flushing uploads")
        shot(driver, "6-candidate-done")
        uploaded = int(sdk(driver, "done-facts").get_attribute("data-uploaded"))
        log(f"candidate: {analyses} analyses shown, {uploaded} pieces uploaded")

        # --- Server: analyses and every chunk recorded, none lost -----------------------------------
        chunks = server.get(f"/api/sessions/{session_id}/chunks", token)
        indices = [c["index"] for c in chunks["chunks"]]
        assert indices == list(range(len(indices))) and len(indices) == uploaded >= 3, f"chunks {indices}, candidate says {uploaded}"
        detail = server.get(f"/api/sessions/{session_id}")
        assert detail["detections"] >= 5, f"analyses stored: {detail['detections']}"
        log(f"server: chunks {indices}, {detail['detections']} analyses stored")
        stored = collector.stop()
        codecs = {path.name: audio_codecs(path) for path in stored}
        log(f"audio streams in the stored pieces: {codecs}")
        assert stored, "the stored pieces were seen before the worker merged them"
        if microphone_allowed:
            assert all("opus" in found for found in codecs.values()), f"every piece carries the microphone's sound as Opus: {codecs}"
        else:
            assert not any(codecs.values()), f"video-only pieces have no sound: {codecs}"

        # --- A second exam that records no sound: no microphone asked for, none in its pieces ------
        # (while the worker processes the first one)
        audio_off(driver, server, work, camera)
        audio_required(driver, server)

        review = finalized_review(server, session_id, 300, "the worker finalizes the session")
        events = [e for e in review["events"] if e["start"] is not None]
        log(f"finalized: video {review['recording']['video_duration']:.1f} s, gaps {review['recording']['gaps']}, "
            f"events {[(e['type'], round(e['start'], 1)) for e in events]}")
        assert review["recording"]["gaps"] == [], "no piece is missing from the video"
        assert events, "the recording yields findings (the camera shows three people and an empty room)"
        kinds = {m["kind"] for m in review["milestones"]}
        assert {"consent", "reference", "gaze_calibrated", "live_connected", "end_requested", "finalized"} <= kinds, kinds

        # --- Dashboard: the session is listed and its findings reviewed ------------------------------
        driver.get(server.base + "/admin")
        row_text = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#sessions tr[data-session-id='{session_id}']").text, 20, "session listed")
        assert "ada" in row_text and "math-101" in row_text, row_text
        shot(driver, "7-dashboard-sessions")
        # Clicked in the page in one step: the table may re-render between finding the link and clicking it.
        driver.execute_script(f"document.querySelector(\"#sessions tr[data-session-id='{session_id}'] a\").click()")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline .mark"), 30, "timeline marks shown")
        wait(driver, lambda d: d.execute_script("return document.getElementById('video').readyState") >= 1, 30, "video metadata loaded")
        # The latest finding with a snapshot (a sound finding's evidence is a clip, a browser finding has none).
        target = max((e for e in events if e["evidence_url"] and e.get("evidence_type") in (None, "image")), key=lambda e: e["start"])
        check_marks(driver, "review")
        # The finding's mark (several marks at one place merge into one, which seeks to its first).
        mark = driver.find_element(By.CSS_SELECTOR, f"#timeline .mark[data-event-ids~='{target['id']}']")
        seek_to = float(mark.get_attribute("data-start"))
        mark.click()
        wait(driver, lambda d: abs(d.execute_script("return document.getElementById('video').currentTime") - seek_to) <= 2, 15,
             f"video seeks to {seek_to:.1f} s")
        position = driver.execute_script("return document.getElementById('video').currentTime")
        log(f"clicked {target['type']} at {target['start']:.2f} s (mark at {seek_to:.2f} s); video at {position:.2f} s")
        target = next(e for e in events if e["id"] == mark.get_attribute("data-event-id"))
        wait(driver, lambda d: d.find_element(By.ID, "evidence-image").get_attribute("naturalWidth") not in (None, "0"), 15, "evidence snapshot shown")
        driver.find_element(By.ID, "confirm").click()
        driver.find_element(By.ID, "note").send_keys("Checked the recording at this moment.")
        driver.find_element(By.ID, "save-note").click()
        wait(driver, lambda d: d.find_element(By.ID, "save-status").text == "Saved.", 10, "decision saved")
        driver.find_element(By.ID, "mark-reviewed").click()
        wait(driver, lambda d: d.find_element(By.ID, "mark-reviewed").get_attribute("data-reviewed") == "yes", 10, "session marked reviewed")
        shot(driver, "8-review")
        saved = next(e for e in server.get(f"/api/sessions/{session_id}/review")["events"] if e["id"] == target["id"])
        assert saved["decision"] == "confirmed" and saved["note"].startswith("Checked the recording"), saved
        status, headers, body = server.raw(f"/api/sessions/{session_id}/report?format=csv")
        assert status == 200 and headers["Content-Type"].startswith("text/csv") and target["id"] in body.decode(), "CSV export"
        review_sound(driver, server, session_id, server.get(f"/api/sessions/{session_id}/review"))
        errors = console_errors(driver)
        assert not errors, f"browser console errors: {errors}"
        # --- The incident case: strangers across a piece boundary, decided with a note, printed -------
        incident_review(server, work)
        log("PASS: consent, enrolment, live analysis, offline-safe uploads, processing, dashboard, seek, decisions, export, "
            "sound (recorded or reported), audio off, speech lane and clip player, marks reachable, incident, note kept, printed report")
    except Exception:
        shot(driver, "failure")
        raise
    finally:
        try:
            (ARTIFACTS / "browser-console.log").write_text("\n".join(e["message"] for e in driver.get_log("browser")))
        except Exception:
            pass
        driver.quit()
        server.stop()
        shutil.copy(server.log_path, ARTIFACTS / "server.log")
        shutil.rmtree(work, ignore_errors=True)


def main(run):
    """The command line of a browser test: `--binary PATH`; a failure is one FAIL line and exit status 1."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/proctor"))
    arguments = parser.parse_args()
    try:
        run(Path(arguments.binary).resolve())
    except (AssertionError, WebDriverException) as error:
        log(f"FAIL: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        sys.exit(1)


if __name__ == "__main__":
    main(run)
