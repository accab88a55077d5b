#!/usr/bin/env python3
"""The SDK on another site's exam page, in real Chromium, and what the exam page notices.

An exam page served from a second local origin (listed in server.allowed_origins) embeds the
snippet `<script src="…/sdk/proctor.js" data-session data-token>`: consent, reference photo, live
analysis and chunk upload run there, and the host page's own script and styles are unaffected.
The candidate then switches to another tab for about 10 s, leaves fullscreen and returns, copies and
pastes, reloads the page, and reloads again while the WebSocket, the event route and uploads are
blocked; the events recorded meanwhile arrive once when the network is back. The review API must
list tab_hidden (duration within 2 s of the real one), fullscreen_exit, clipboard and page_left, all
on the video clock inside the video, and the page_returned milestones. The same page from an origin
the server does not list gets a clear refusal.

Sound: the exam site sets no Permissions-Policy, so the SDK opens the microphone with the camera
(Chromium's fake one beeps): the notice names it, the camera check's level meter moves, every stored
video piece carries an Opus stream (ffprobe), and a microphone that stops is reported once.

Run by scripts/test.sh; alone:
    /usr/bin/python3 Tests/Browser/sdk_test.py --binary .build/debug/proctor
"""
import http.server
import json
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_app_test import (ARTIFACTS, ChunkCollector, Server, audio_codecs, browser, console_errors, finalized_review, free_port, log, main,  # noqa: E402
                          make_fake_camera, sdk, sdk_data, shot, wait)

CHUNK_SECONDS = 5

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Algebra quiz</title>
<style>body {{ background: rgb(255, 250, 240); font-family: serif; }} button {{ color: rgb(1, 2, 3); }}</style></head>
<body><h1 id="quiz">Algebra quiz</h1>
<p>Question 1: solve x + 2 = 5.</p><textarea id="answer">x equals three</textarea>
<button id="own" type="button">Save answer</button>
<script>window.hostValue = 42; document.getElementById('own').addEventListener('click', () => {{ document.title = 'saved'; }});</script>
<script src="{server}/sdk/proctor.js" data-session="{session}" data-token="{token}"></script>
</body></html>
"""


class ExamSite:
    """A stand-in for an LMS: serves one exam page per session on its own port."""

    def __init__(self):
        self.pages = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()


def create_session(server):
    request = urllib.request.Request(server.base + "/api/sessions", method="POST",
                                     data=json.dumps({"exam_id": "algebra-1", "candidate_id": "grace", "chunk_seconds": CHUNK_SECONDS}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    return body["id"], body["upload_token"]


def start_exam(driver, first):
    """Consent (first time only), reference photo, start: the steps of the SDK's overlay."""
    if first:
        wait(driver, lambda d: sdk(d, "step-consent").is_displayed(), 30, "the SDK shows its consent step on the exam site")
        assert "microphone" in sdk(driver, "consent-microphone").text.lower(), "the notice names the microphone"
        sdk(driver, "consent-check").click()
        sdk(driver, "consent-accept").click()
    wait(driver, lambda d: sdk(d, "step-camera").is_displayed(), 30, "camera step shown")
    wait(driver, lambda d: d.execute_script("return document.querySelector('proctor-exam').shadowRoot.getElementById('camera-preview').videoWidth") > 0,
         20, "camera preview plays")
    if first:
        assert driver.find_element(By.CSS_SELECTOR, "proctor-exam").get_attribute("data-audio") == "on", "the microphone opens with the camera"
        wait(driver, lambda d: int(sdk(d, "audio-meter").get_attribute("data-peak") or 0) > 0, 15, "the level meter moves with the fake microphone's beep")
        log(f"microphone level peak {sdk(driver, 'audio-meter').get_attribute('data-peak')}: {sdk(driver, 'audio-status').text}")
        shot(driver, "sdk-0b-camera-microphone")
        for attempt in range(8):
            sdk(driver, "capture" if attempt == 0 else "retake").click()
            status = wait(driver, lambda d: (lambda t: t if t.startswith("Photo") else None)(sdk(d, "reference-status").text), 30, "reference checked")
            if status.startswith("Photo accepted"):
                break
            time.sleep(1)
        else:
            raise AssertionError("the reference photo was never accepted")
    wait(driver, lambda d: sdk(d, "start-exam").is_enabled(), 20, "start enabled")
    sdk(driver, "start-exam").click()
    # The optional gaze calibration: skipped here (the main browser test walks it).
    wait(driver, lambda d: sdk(d, "step-calibration").is_displayed(), 20, "calibration step shown")
    sdk(driver, "calibration-continue").click()
    wait(driver, lambda d: sdk(d, "step-exam").is_displayed(), 20, "the widget shows the exam")


def waiting_events(driver):
    return int(sdk_data(driver, "fact-events", "waiting") or 0)


def run(binary):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="proctor-sdk-"))
    camera = work / "camera.y4m"
    make_fake_camera(camera)
    site = ExamSite()
    site_origin = f"http://127.0.0.1:{site.port}"
    server = Server(binary, work, extra_env={"PROCTOR_SERVER__ALLOWED_ORIGINS": json.dumps([site_origin])})
    driver = browser(camera)
    driver.set_page_load_timeout(60)
    try:
        server.login()
        session_id, token = create_session(server)
        collector = ChunkCollector(work, session_id, work / "chunks")
        site.pages[f"/quiz/{session_id}"] = HOST_PAGE.format(server=server.base, session=session_id, token=token).encode()
        exam_url = f"{site_origin}/quiz/{session_id}"

        # --- Refused: the same page from an origin the server does not list ----------------------
        driver.get(f"http://localhost:{site.port}/quiz/{session_id}")
        refusal = wait(driver, lambda d: d.execute_script(
            "const e = document.querySelector('proctor-exam-error'); return e && e.shadowRoot.textContent"), 30, "the SDK refuses a foreign origin")
        assert "does not allow this exam page" in refusal, refusal
        assert not driver.find_elements(By.CSS_SELECTOR, "proctor-exam"), "nothing of the SDK runs on a refused origin"
        log(f"refused origin: {refusal}")
        shot(driver, "sdk-0-refused-origin")
        driver.get_log("browser")  # the refused module load is expected there

        # --- The exam site: the SDK runs the whole flow there ----------------------------------
        driver.get(exam_url)
        start_exam(driver, first=True)
        wait(driver, lambda d: int(sdk_data(d, "fact-rate", "analyses") or 0) >= 3, 60, "live analyses arrive on the exam site")
        wait(driver, lambda d: int(sdk_data(d, "fact-uploads", "uploaded") or 0) >= 1, CHUNK_SECONDS * 4, "a video piece uploads from the exam site")
        host = driver.execute_script("""return {background: getComputedStyle(document.body).backgroundColor, font: getComputedStyle(document.body).fontFamily,
            button: getComputedStyle(document.getElementById('own')).color, value: window.hostValue, proctor: typeof window.Proctor,
            version: window.Proctor && window.Proctor.version, leaked: ['CandidateSession', 'LiveStream', 'mount', 'template'].filter((k) => k in window)}""")
        assert host["background"] == "rgb(255, 250, 240)" and host["button"] == "rgb(1, 2, 3)" and "serif" in host["font"], host
        assert host["value"] == 42 and host["proctor"] == "object" and host["version"] == "1.0.0" and host["leaked"] == [], host
        driver.find_element(By.ID, "own").click()
        wait(driver, lambda d: d.title == "saved", 5, "the host page's own script still works")
        shot(driver, "sdk-1-exam-site")
        fullscreen = driver.execute_script("return Boolean(document.fullscreenElement)")
        log(f"exam running on {site_origin}; fullscreen: {fullscreen}; host page unaffected: {host}")

        # --- Another tab in front for about 10 s -------------------------------------------------
        exam_tab = driver.current_window_handle
        driver.switch_to.new_window("tab")
        left = time.time()
        driver.get("about:blank")
        time.sleep(10)
        driver.switch_to.window(exam_tab)
        hidden_for = time.time() - left
        log(f"another tab was in front for {hidden_for:.1f} s")
        wait(driver, lambda d: "left the exam tab" in (sdk_data(d, "fact-events", "last-notice") or ""), 15, "the candidate is told the tab switch was noted")
        shot(driver, "sdk-2-tab-noted")

        # --- Leave fullscreen, return with the widget's button -----------------------------------
        sdk(driver, "fullscreen-return").click() if sdk(driver, "fullscreen-return").is_displayed() else None
        wait(driver, lambda d: d.execute_script("return Boolean(document.fullscreenElement)"), 10, "back in fullscreen")
        time.sleep(1)
        driver.execute_script("document.exitFullscreen()")
        time.sleep(3)
        wait(driver, lambda d: sdk(d, "fullscreen-return").is_displayed(), 10, "the widget offers to return to fullscreen")
        sdk(driver, "fullscreen-return").click()
        wait(driver, lambda d: d.execute_script("return Boolean(document.fullscreenElement)"), 10, "back in fullscreen again")

        # --- Copy and paste in the exam's answer field ------------------------------------------
        answer = driver.find_element(By.ID, "answer")
        answer.click()
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").send_keys("c").key_up(Keys.CONTROL).perform()
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
        wait(driver, lambda d: waiting_events(d) == 0, 20, "the page's events are acknowledged")

        # --- Reload: page_left by beacon, page_returned when the exam resumes --------------------
        driver.refresh()
        start_exam(driver, first=False)
        wait(driver, lambda d: waiting_events(d) == 0 and int(sdk_data(d, "fact-events", "acknowledged") or 0) >= 1, 30, "page_returned acknowledged")

        # --- Offline: a reload, then the network gone (WebSocket, event route, uploads) ------------------
        # Chromium's URL blocking does not reach WebSockets; offline emulation does. The page loads
        # first (the exam site itself must be reachable), then the candidate starts while offline.
        driver.refresh()
        wait(driver, lambda d: sdk(d, "step-camera").is_displayed(), 30, "camera step shown after the reload")
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        start_exam(driver, first=False)
        driver.find_element(By.ID, "answer").click()
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").send_keys("c").key_up(Keys.CONTROL).perform()
        wait(driver, lambda d: waiting_events(d) >= 2, 20, "events wait in IndexedDB while offline")
        time.sleep(12)  # long enough for the HTTP fallback to try (and fail) too
        stuck = waiting_events(driver)
        shot(driver, "sdk-3-offline")
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        log(f"network back with {stuck} events waiting")
        wait(driver, lambda d: waiting_events(d) == 0, 45, "waiting events are delivered once the network is back")

        # --- The microphone stops (as when it is unplugged): reported once ------------------------------
        lost = "document.querySelector('proctor-exam').stream.getAudioTracks()[0].dispatchEvent(new Event('ended'))"
        driver.execute_script(lost)
        driver.execute_script(lost)
        reported = driver.find_element(By.CSS_SELECTOR, "proctor-exam").get_attribute("data-audio-reported")
        assert reported == "lost", f"audio_unavailable (lost) once: {reported!r}"

        # --- End, and what the review shows ---------------------------------------------------------
        time.sleep(CHUNK_SECONDS)
        end = sdk(driver, "end-exam")
        end.click()
        end.click()
        wait(driver, lambda d: sdk(d, "done-facts").get_attribute("data-uploaded"), 120, "the exam ends after flushing uploads")
        shot(driver, "sdk-4-done")
        stored = collector.stop()
        codecs = {path.name: audio_codecs(path) for path in stored}
        log(f"audio streams in the stored pieces: {codecs}")
        assert stored and all("opus" in found for found in codecs.values()), f"every piece carries the microphone's sound as Opus: {codecs}"
        review = finalized_review(server, session_id, 300, "the worker finalizes the session")
        video = review["recording"]["video_duration"]
        browser_findings = [e for e in review["events"] if e["source"] == "browser"]
        log(f"video {video:.1f} s; browser findings: {[(e['type'], e['start'] and round(e['start'], 1), e['duration'] and round(e['duration'], 1)) for e in browser_findings]}")
        kinds = [e["type"] for e in browser_findings]
        tabs = [e for e in browser_findings if e["type"] == "tab_hidden"]
        assert len(tabs) == 1 and abs(tabs[0]["duration"] - hidden_for) <= 2, (tabs, hidden_for)
        assert "fullscreen_exit" in kinds and "page_left" in kinds and "network_offline" in kinds, kinds
        clipboard = [e for e in browser_findings if e["type"] == "clipboard"]
        assert {e["details"].get("action") for e in clipboard} >= {"copy"}, clipboard
        assert all(e["start"] is not None and -0.5 <= e["start"] <= video + 0.5 for e in browser_findings), "every browser finding is on the video clock"
        ids = [e["details"].get("client_event_id") for e in browser_findings]
        assert len(ids) == len(set(ids)), f"a client event was stored twice: {ids}"
        returned = [m for m in review["milestones"] if m["kind"] == "page_returned"]
        assert len(returned) == 2, f"two reloads, two page_returned milestones: {returned}"
        assert len({m["details"]["client_event_id"] for m in returned}) == 2
        status, headers, body = server.raw(f"/api/sessions/{session_id}/report?format=csv")
        assert b",browser," in body and b"tab_hidden" in body, "browser findings are in the CSV export"
        # Requests that failed while offline are expected there; nothing else.
        errors = [e for e in console_errors(driver) if "ERR_INTERNET_DISCONNECTED" not in e and "/ws/" not in e and "favicon" not in e]
        assert not errors, f"browser console errors: {errors}"
        log("PASS: SDK on another origin (refused elsewhere), host page unaffected, tab switch, fullscreen, clipboard, reloads, offline events once, "
            "sound in every piece")
    except Exception:
        shot(driver, "sdk-failure")
        raise
    finally:
        try:
            (ARTIFACTS / "sdk-console.log").write_text("\n".join(e["message"] for e in driver.get_log("browser")))
        except Exception:
            pass
        driver.quit()
        server.stop()
        site.stop()
        shutil.copy(server.log_path, ARTIFACTS / "sdk-server.log")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(run)
