// Proctor SDK v1: proctoring inside any exam page. `mount()` adds one <proctor-exam> element whose
// shadow root holds everything — consent, camera check and reference photo (an overlay), then a
// small movable widget with the preview and a calm status line while live frames, the chunk
// recorder and the page's own signals run. The host page's styles and globals are not touched.
import { CandidateSession } from './session.js';
import { openCamera, captureJPEG } from './camera.js';
import { LiveStream } from './live-stream.js';
import { ChunkRecorder } from './chunk-recorder.js';
import { UploadQueue } from './upload-queue.js';
import { EventQueue } from './event-queue.js';
import { BrowserSignals } from './signals.js';
import { collectCalibration } from './calibration.js';
import { AudioLevelMeter } from './audio-level.js';
import { template } from './template.js';

export const VERSION = '1.0.0';
const NOTICE_VERSION = '2027-01';
const CONSENT_ITEMS = ['webcam_frames', 'video_chunks', 'reference_photo', 'browser_activity'];
/** The exam's audio policy (`audio` of the candidate route): "on" when the server does not say. */
const AUDIO_POLICIES = ['off', 'on', 'required'];

/** What the candidate is told when the analysis notices something: calm, practical words. */
const advice = {
  poor_lighting: 'It is too dark for the camera: please add light in front of you.',
  looking_away: 'Please look at your screen.',
  eyes_off_screen: 'Please keep your eyes on your screen.',
  no_face: 'Your face is not in view. Please sit in front of the camera.',
  multiple_people: 'Someone else seems to be in view. Please make sure you are alone.',
  identity_mismatch: 'The camera cannot match your face to your reference photo. Please face the camera.',
  cell_phone: 'A phone seems to be in view. Please put it away.',
  book: 'A book seems to be in view. Please put it away.',
  laptop: 'Another laptop seems to be in view.',
  forbidden_object: 'An object that is not allowed seems to be in view.',
};

function bytes(size) {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

class ProctorExam extends HTMLElement {
  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
  }

  $(id) { return this.root.getElementById(id); }

  async start({ server, session, token }) {
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('./sdk.css', import.meta.url).href;
    const holder = document.createElement('div');
    holder.innerHTML = template;
    this.root.append(style, ...holder.childNodes);
    this.session = new CandidateSession(server, session, token);
    this.state = { enrolled: false, analyses: 0, noted: 0 };
    this.dataset.version = VERSION;
    if (!session || !token) return this.fail('This exam link is incomplete. Open the full link you were given.');
    try {
      this.info = await this.session.info();
    } catch (error) {
      return this.fail(error.status === 401 || error.status === 403
        ? 'This exam link is not valid or has expired. Ask your exam organiser for a new one.'
        : `The exam could not be loaded: ${error.message}`);
    }
    const info = this.info;
    this.audioPolicy = AUDIO_POLICIES.includes(info.audio) ? info.audio : 'on';
    this.dataset.audioPolicy = this.audioPolicy;
    this.$('exam-title').textContent = `${info.exam_id} · ${info.candidate_id}`;
    if (info.retention) {
      this.$('retention-text').textContent = `Video recordings are deleted after ${info.retention.video_days} days, snapshots of flagged moments after ${info.retention.evidence_days} days, and your reference photo and face data after ${info.retention.face_data_days} days.`;
      this.$('microphone-days').textContent = ` (${info.retention.video_days} days)`;
    }
    this.describeMicrophone();
    this.$('chunk-seconds').textContent = String(info.chunk_seconds);
    if (info.end_requested) return this.finished({ alreadyEnded: true });
    if (!info.consent_at) return this.showConsent();
    return this.showCamera();
  }

  show(step) {
    for (const id of ['step-consent', 'step-camera', 'step-calibration', 'step-done']) this.$(id).classList.toggle('hidden', id !== step);
    this.$('overlay').classList.toggle('hidden', step === 'step-exam');
    this.$('step-exam').classList.toggle('hidden', step !== 'step-exam');
    const heading = this.$(step).querySelector('h2');
    if (heading) heading.focus();
  }

  fail(message) {
    const box = this.$('page-error');
    box.textContent = message;
    box.classList.remove('hidden');
    this.$('overlay').classList.remove('hidden');
  }

  status(element, text, tone = '') {
    element.textContent = text;
    element.className = `status ${tone}`.trim();
  }

  /** The consent notice names the microphone unless the exam records no sound. */
  describeMicrophone() {
    const recorded = this.audioPolicy !== 'off';
    for (const id of ['consent-microphone', 'sound-recorded', 'consent-sound']) this.$(id).classList.toggle('hidden', !recorded);
    this.$('sound-none').classList.toggle('hidden', recorded);
    this.$('microphone-policy').textContent = this.audioPolicy === 'required'
      ? 'This exam needs your microphone: it cannot start without it.'
      : 'If you do not allow your microphone, the exam goes on with video only, and that is noted.';
  }

  consentItems() {
    return this.audioPolicy === 'off' ? CONSENT_ITEMS : [...CONSENT_ITEMS, 'microphone'];
  }

  showConsent() {
    this.show('step-consent');
    const check = this.$('consent-check');
    check.addEventListener('change', () => { this.$('consent-accept').disabled = !check.checked; });
    this.$('consent-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      this.$('consent-accept').disabled = true;
      try {
        await this.session.consent(this.consentItems(), NOTICE_VERSION);
        this.showCamera();
      } catch (error) {
        this.fail(`Your consent could not be recorded: ${error.message}`);
        this.$('consent-accept').disabled = false;
      }
    });
    this.$('consent-decline').addEventListener('click', () => {
      this.$('consent-form').classList.add('hidden');
      this.$('declined').classList.remove('hidden');
    });
  }

  async showCamera() {
    this.show('step-camera');
    this.$('capture').addEventListener('click', () => this.captureReference());
    this.$('retake').addEventListener('click', () => this.captureReference());
    this.$('start-exam').addEventListener('click', () => this.showCalibration());
    this.$('microphone-retry').addEventListener('click', () => this.openDevices());
    this.meter = new AudioLevelMeter({ meter: this.$('audio-meter'), text: this.$('audio-status'), gesture: this.root });
    await this.openDevices();
  }

  /**
   * Opens the camera, and the microphone unless the exam records no sound (one permission prompt).
   * Without a microphone the exam goes on with video only, unless the exam requires one: then it
   * waits, says so, and offers to try again.
   */
  async openDevices() {
    this.meter.stop();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.state.microphoneNeeded = false;
    this.$('microphone-needed').classList.add('hidden');
    this.$('microphone-check').classList.add('hidden');
    this.$('microphone-retry').disabled = true;
    let opened;
    try {
      opened = await openCamera({ audio: this.audioPolicy });
    } catch (error) {
      this.status(this.$('reference-status'), error.message, 'bad');
      this.$('capture').disabled = true;
      this.$('start-exam').disabled = true;
      return;
    }
    this.stream = opened.stream;
    this.audio = opened.audio;
    this.dataset.audio = this.audioPolicy === 'off' ? 'off' : opened.audio.state;
    this.dataset.audioReason = opened.audio.reason || '';
    this.$('camera-preview').srcObject = this.stream;
    this.$('capture').disabled = false;
    if (opened.audio.state === 'on') {
      this.$('microphone-check').classList.remove('hidden');
      this.meter.start(this.stream);
    } else if (this.audioPolicy === 'required') {
      this.state.microphoneNeeded = true;
      this.dataset.audio = 'needed';
      this.$('microphone-needed-text').textContent = 'This exam needs your microphone. Please allow it, or connect one, then try again.'
        + (opened.audio.reason === 'refused' ? ' If you refused it before, allow the microphone in your browser\u2019s settings for this page first.' : '');
      this.$('microphone-needed').classList.remove('hidden');
      this.$('microphone-retry').disabled = false;
    }
    if (this.info.reference_enrolled || this.state.enrolled) {
      this.state.enrolled = true;
      if (!this.state.microphoneNeeded) this.status(this.$('reference-status'), 'Your reference photo is already on file. You can start the exam, or take a new photo.', 'ok');
    }
    this.allowStart();
  }

  /** The exam can start once the reference photo is on file and, where required, the microphone works. */
  allowStart() {
    this.$('start-exam').disabled = !this.state.enrolled || this.state.microphoneNeeded;
  }

  /** Tells the server, once per session, that the recording has no sound and why. */
  reportAudio(events, reason) {
    const key = `proctor-audio-unavailable:${this.session.id}`;
    let sent = [];
    try { sent = JSON.parse(localStorage.getItem(key) || '[]'); } catch { /* a damaged entry is replaced */ }
    if (!Array.isArray(sent)) sent = [];
    const known = sent.includes(reason);
    if (!known) sent.push(reason);
    this.dataset.audioReported = sent.join(' ');
    if (known) return;
    localStorage.setItem(key, JSON.stringify(sent));
    events.add({ event: 'audio_unavailable', at: Date.now(), details: { reason } });
  }

  /** The optional gaze calibration, between the reference photo and the exam. */
  showCalibration() {
    this.show('step-calibration');
    this.$('calibration-preview').srcObject = this.stream;
    if (!this.calibrationReady) {
      this.calibrationReady = true;
      this.$('calibrate').addEventListener('click', () => this.calibrate());
      this.$('calibration-continue').addEventListener('click', () => this.startExam(), { once: true });
    }
  }

  async calibrate() {
    const status = this.$('calibration-status');
    this.$('calibrate').disabled = true;
    this.$('calibration-continue').disabled = true;
    this.status(status, 'Follow the dot with your eyes…');
    try {
      const targets = await collectCalibration({ video: this.$('calibration-preview'), stage: this.$('calibration-stage'), dot: this.$('calibration-dot') });
      if (!targets.some((target) => target.target === 'center')) throw new Error('the camera has not delivered a picture yet; try again in a moment');
      this.status(status, 'Checking…');
      const result = await this.session.calibrate(targets);
      status.dataset.calibrated = result.source;
      this.status(status, 'Calibrated. You can start the exam.', 'ok');
      this.$('calibration-continue').textContent = 'Start the exam';
    } catch (error) {
      this.status(status, `Calibration did not work: ${error.body?.message || error.message}. Try again, or skip it.`, 'warn');
      this.$('calibrate').textContent = 'Try again';
    } finally {
      this.$('calibrate').disabled = false;
      this.$('calibration-continue').disabled = false;
    }
  }

  async captureReference() {
    const status = this.$('reference-status');
    this.$('capture').disabled = true;
    this.$('retake').disabled = true;
    this.status(status, 'Checking your photo…');
    try {
      const photo = await captureJPEG(this.$('camera-preview'), { maxWidth: 960, quality: 0.9 });
      if (!photo) throw new Error('the camera has not delivered a picture yet; try again in a moment');
      const image = this.$('reference-photo');
      if (image.src) URL.revokeObjectURL(image.src);
      image.src = URL.createObjectURL(photo);
      image.classList.remove('hidden');
      await this.session.enrol(photo);
      this.state.enrolled = true;
      this.status(status, this.state.microphoneNeeded ? 'Photo accepted: one clear face. The exam can start once your microphone works.'
        : 'Photo accepted: one clear face. You can start the exam.', 'ok');
    } catch (error) {
      this.status(status, `Photo not accepted: ${error.body?.message || error.message}. Please retake it.`, 'bad');
    } finally {
      this.allowStart();
      this.$('capture').classList.add('hidden');
      this.$('retake').classList.remove('hidden');
      this.$('retake').disabled = false;
    }
  }

  /** Asks for fullscreen (a click is the user gesture browsers need); a refusal is no error. */
  async enterFullscreen() {
    if (!document.fullscreenEnabled || document.fullscreenElement) return Boolean(document.fullscreenElement);
    try {
      await document.documentElement.requestFullscreen();
      return true;
    } catch {
      return false;
    }
  }

  async startExam() {
    const fullscreen = await this.enterFullscreen();
    this.meter.stop();
    this.show('step-exam');
    this.makeMovable();
    this.$('exam-preview').srcObject = this.stream;
    const returned = sessionStorage.getItem(`proctor-started:${this.session.id}`) != null;
    sessionStorage.setItem(`proctor-started:${this.session.id}`, String(Date.now()));

    const events = new EventQueue({ session: this.session, onNotice: (text) => this.notice(text), onChange: (state) => this.showEvents(state) });
    await events.open();
    const queue = new UploadQueue({ session: this.session, onChange: (state) => this.showUploads(state) });
    await queue.open();
    const firstIndex = await queue.resume();
    if (queue.resumeError) {
      this.status(this.$('live-status'), `The server cannot be reached (${queue.resumeError.message}); recording continues and uploads will retry.`, 'warn');
    }
    const recorder = new ChunkRecorder({ stream: this.stream, chunkSeconds: this.info.chunk_seconds, firstIndex, onChunk: (chunk) => queue.add(chunk) });
    recorder.start();
    const live = new LiveStream({
      url: () => this.session.liveURL(), video: this.$('exam-preview'),
      onAnalysis: (message) => this.showAnalysis(message), onState: (state) => this.showLiveState(state),
      onOpen: (send) => events.attach(send), onClose: () => events.detach(), onMessage: (message) => events.handle(message),
    });
    live.start();
    const signals = new BrowserSignals({
      emit: (event) => events.add(event), beacon: (event) => events.beacon(event),
      onFullscreen: (inside) => this.$('fullscreen-return').classList.toggle('hidden', inside || !this.wantsFullscreen),
    });
    this.wantsFullscreen = fullscreen;
    signals.start({ stream: this.stream, wantsFullscreen: fullscreen });
    if (returned) events.add({ event: 'page_returned', at: Date.now() });
    if (this.audio.state !== 'on') this.reportAudio(events, this.audio.reason);
    for (const track of this.stream.getAudioTracks()) {
      // The microphone stopped (unplugged, switched off): the pieces go on without sound.
      if (track.readyState === 'ended') this.reportAudio(events, 'lost');
      else track.addEventListener('ended', () => { if (!this.ending) this.reportAudio(events, 'lost'); }, { once: true });
    }
    this.exam = { queue, recorder, live, events, signals };
    this.$('fullscreen-return').addEventListener('click', () => this.enterFullscreen());
    this.$('end-exam').addEventListener('click', () => this.confirmEnd());
    this.dispatchEvent(new CustomEvent('proctor:started', { bubbles: true, composed: true }));
  }

  makeMovable() {
    const widget = this.$('step-exam');
    const handle = this.$('widget-handle');
    handle.addEventListener('pointerdown', (down) => {
      if (down.target.closest('button')) return;
      const box = widget.getBoundingClientRect();
      const dx = down.clientX - box.left;
      const dy = down.clientY - box.top;
      const move = (event) => {
        widget.style.left = `${Math.max(0, Math.min(window.innerWidth - box.width, event.clientX - dx))}px`;
        widget.style.top = `${Math.max(0, Math.min(window.innerHeight - 40, event.clientY - dy))}px`;
        widget.style.right = 'auto';
        widget.style.bottom = 'auto';
      };
      const up = () => { window.removeEventListener('pointermove', move); window.removeEventListener('pointerup', up); };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    });
    this.$('widget-toggle').addEventListener('click', () => {
      const collapsed = widget.classList.toggle('collapsed');
      this.$('widget-toggle').textContent = collapsed ? 'Show' : 'Hide';
      this.$('widget-toggle').setAttribute('aria-expanded', String(!collapsed));
    });
  }

  confirmEnd() {
    const button = this.$('end-exam');
    if (button.dataset.confirming !== 'yes') {
      button.dataset.confirming = 'yes';
      button.textContent = 'Click again to end the exam';
      setTimeout(() => { button.dataset.confirming = ''; button.textContent = 'End exam'; }, 5000);
      return;
    }
    this.endExam();
  }

  async endExam() {
    const { queue, recorder, live, events, signals } = this.exam;
    this.ending = true;
    signals.stop();
    this.show('step-done');
    const status = this.$('done-status');
    this.status(status, 'Finishing the last video piece…');
    // Events still waiting go now, over HTTP if the socket is gone.
    await events.flushOverHTTP();
    live.stop();
    events.close();
    const lastIndex = await recorder.stop();
    for (const track of this.stream.getTracks()) track.stop();
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    this.status(status, 'Uploading the remaining video pieces. Keep this page open.');
    await queue.drain();
    let result = null;
    for (let attempt = 0; !result; attempt++) {
      try {
        result = await this.session.end(lastIndex >= 0 ? lastIndex : null);
      } catch (error) {
        this.status(status, `Could not reach the server to end the exam (${error.message}); retrying…`, 'warn');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 1000 * 2 ** attempt)));
      }
    }
    sessionStorage.removeItem(`proctor-started:${this.session.id}`);
    this.finished({ result });
  }

  async finished({ result, alreadyEnded = false } = {}) {
    this.show('step-done');
    let chunks = [];
    try { chunks = (await this.session.chunks()).chunks; } catch { /* shown as unknown */ }
    const total = chunks.reduce((sum, chunk) => sum + chunk.size, 0);
    const missing = result?.missing_chunks ?? [];
    this.status(this.$('done-status'), alreadyEnded ? 'This exam has already ended.'
      : (missing.length ? 'Exam ended, but some video pieces are missing.' : 'Exam ended. Everything was uploaded. You can close this page.'),
    missing.length ? 'warn' : 'ok');
    const facts = this.$('done-facts');
    facts.replaceChildren();
    const add = (term, value) => { const dt = document.createElement('dt'); dt.textContent = term; const dd = document.createElement('dd'); dd.textContent = value; facts.append(dt, dd); };
    add('Video pieces uploaded', String(chunks.length));
    add('Total size', bytes(total));
    add('Missing pieces', missing.length ? missing.join(', ') : 'none');
    facts.dataset.uploaded = String(chunks.length);
    this.dispatchEvent(new CustomEvent('proctor:ended', { bubbles: true, composed: true }));
  }

  /** A page signal was recorded: the candidate is told, calmly. */
  notice(text) {
    this.state.noted += 1;
    this.state.lastNotice = text;
    this.$('fact-events').dataset.lastNotice = text;
    this.$('fact-alert').textContent = `${text} (${new Date().toLocaleTimeString()})`;
    this.status(this.$('live-status'), text, 'warn');
    this.noticeUntil = Date.now() + 8000;
  }

  showEvents({ waiting, acknowledged }) {
    const element = this.$('fact-events');
    element.textContent = `${acknowledged} noted${waiting ? `, ${waiting} waiting to send` : ''}${this.state.lastNotice ? ` · last: ${this.state.lastNotice}` : ''}`;
    element.dataset.acknowledged = String(acknowledged);
    element.dataset.waiting = String(waiting);
  }

  showUploads({ uploaded, pending, retryAt, lastError, bytes: size }) {
    let text = `${uploaded} uploaded (${bytes(size)})`;
    if (pending > 0) text += `, ${pending} waiting`;
    if (pending > 0 && retryAt) text += ` – ${lastError || 'retrying'}, next try in ${Math.max(1, Math.round((retryAt - Date.now()) / 1000))} s`;
    const element = this.$('fact-uploads');
    element.textContent = text;
    element.dataset.uploaded = String(uploaded);
    element.dataset.pending = String(pending);
  }

  showAnalysis(message) {
    this.state.analyses += 1;
    const rate = this.$('fact-rate');
    rate.textContent = `${this.exam.live.fps} frames/s · ${this.state.analyses} analysed`;
    rate.dataset.analyses = String(this.state.analyses);
    const kinds = (message.risk?.details?.violations ?? []).map((violation) => violation.kind);
    const notice = kinds.map((kind) => advice[kind]).find(Boolean);
    if (notice) {
      this.$('fact-alert').textContent = `${notice} (${new Date().toLocaleTimeString()})`;
      this.status(this.$('live-status'), notice, 'warn');
    } else if (!(this.noticeUntil > Date.now())) {
      this.status(this.$('live-status'), 'Connected. Your exam is being recorded; all looks fine.', 'ok');
    }
  }

  showLiveState({ connection, retryIn, serverError }) {
    const fact = this.$('fact-connection');
    if (connection === 'connected') fact.textContent = 'Connected';
    if (connection === 'connecting') fact.textContent = 'Connecting…';
    if (connection === 'reconnecting') {
      fact.textContent = `Connection lost, reconnecting in ${Math.round(retryIn / 1000)} s (recording continues)`;
      this.status(this.$('live-status'), 'Connection lost. Your video is still being recorded and will upload when the connection is back.', 'warn');
    }
    if (serverError && serverError.code !== 'rate_limited') fact.textContent = `Server: ${serverError.message}`;
  }
}

/** Adds the proctoring element to the page and starts it. One per page. */
export async function mount({ server, session, token, parent = document.body }) {
  if (!customElements.get('proctor-exam')) customElements.define('proctor-exam', ProctorExam);
  const existing = document.querySelector('proctor-exam');
  if (existing) return existing;
  const element = document.createElement('proctor-exam');
  parent.append(element);
  await element.start({ server, session, token });
  return element;
}
