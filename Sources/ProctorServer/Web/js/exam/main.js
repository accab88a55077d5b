// The candidate page: consent → camera check and reference photo → exam (live frames and recorded
// pieces) → end. Each step is shown only when the previous one is done; nothing is captured before
// consent.
import { CandidateSession } from './session.js';
import { openCamera, captureJPEG } from './camera.js';
import { LiveStream } from './live-stream.js';
import { ChunkRecorder } from './chunk-recorder.js';
import { UploadQueue } from './upload-queue.js';
import { collectCalibration } from './calibration.js';
import { bytes } from '../shared/format.js';

const NOTICE_VERSION = '2026-11';
const CONSENT_ITEMS = ['webcam_frames', 'video_chunks', 'reference_photo'];
const $ = (id) => document.getElementById(id);

/** What the candidate is told when the analysis notices something: calm, practical words. */
const advice = {
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

const state = { session: null, info: null, stream: null, enrolled: false };

function show(step) {
  for (const id of ['step-consent', 'step-camera', 'step-calibration', 'step-exam', 'step-done']) $(id).classList.toggle('hidden', id !== step);
  const heading = $(step).querySelector('h2');
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

function fail(message) {
  const box = $('page-error');
  box.textContent = message;
  box.classList.remove('hidden');
}

function setStatus(element, text, tone = '') {
  element.textContent = text;
  element.className = `status ${tone}`.trim();
}

async function init() {
  state.session = CandidateSession.fromLocation();
  if (!state.session.id || !state.session.token) {
    fail('This exam link is incomplete. Open the full link you were given.');
    return;
  }
  try {
    state.info = await state.session.info();
  } catch (error) {
    fail(error.status === 401 || error.status === 403 ? 'This exam link is not valid or has expired. Ask your exam organiser for a new one.' : `The exam could not be loaded: ${error.message}`);
    return;
  }
  const info = state.info;
  $('exam-title').textContent = `${info.exam_id} · ${info.candidate_id}`;
  const retention = info.retention;
  if (retention) {
    $('retention-text').textContent = `Video recordings are deleted after ${retention.video_days} days, snapshots of flagged moments after ${retention.evidence_days} days, and your reference photo and face data after ${retention.face_data_days} days.`;
  }
  $('chunk-seconds').textContent = String(info.chunk_seconds);
  if (info.end_requested) return finished({ alreadyEnded: true });
  if (!info.consent_at) return showConsent();
  return showCamera();
}

function showConsent() {
  show('step-consent');
  const check = $('consent-check');
  check.addEventListener('change', () => { $('consent-accept').disabled = !check.checked; });
  $('consent-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('consent-accept').disabled = true;
    try {
      await state.session.consent(CONSENT_ITEMS, NOTICE_VERSION);
      showCamera();
    } catch (error) {
      fail(`Your consent could not be recorded: ${error.message}`);
      $('consent-accept').disabled = false;
    }
  });
  $('consent-decline').addEventListener('click', () => {
    $('consent-form').classList.add('hidden');
    $('declined').classList.remove('hidden');
  });
}

async function showCamera() {
  show('step-camera');
  try {
    state.stream = await openCamera();
  } catch (error) {
    setStatus($('reference-status'), error.message, 'bad');
    $('capture').disabled = true;
    return;
  }
  $('camera-preview').srcObject = state.stream;
  if (state.info.reference_enrolled) {
    state.enrolled = true;
    setStatus($('reference-status'), 'Your reference photo is already on file. You can start the exam, or take a new photo.', 'ok');
    $('start-exam').disabled = false;
  }
  $('capture').addEventListener('click', captureReference);
  $('retake').addEventListener('click', captureReference);
  $('start-exam').addEventListener('click', showCalibration);
}

/** The optional gaze calibration, between the reference photo and the exam. */
function showCalibration() {
  show('step-calibration');
  $('calibration-preview').srcObject = state.stream;
  $('calibrate').addEventListener('click', calibrate);
  $('calibration-continue').addEventListener('click', startExam, { once: true });
}

async function calibrate() {
  const status = $('calibration-status');
  $('calibrate').disabled = true;
  $('calibration-continue').disabled = true;
  setStatus(status, 'Follow the dot with your eyes…');
  try {
    const targets = await collectCalibration({ video: $('calibration-preview'), stage: $('calibration-stage'), dot: $('calibration-dot') });
    if (!targets.some((target) => target.target === 'center')) throw new Error('the camera has not delivered a picture yet; try again in a moment');
    setStatus(status, 'Checking…');
    const result = await state.session.calibrate(targets);
    status.dataset.calibrated = result.source;
    setStatus(status, 'Calibrated. You can start the exam.', 'ok');
    $('calibration-continue').textContent = 'Start the exam';
  } catch (error) {
    const reason = error.body?.message || error.message;
    setStatus(status, `Calibration did not work: ${reason}. Try again, or skip it.`, 'warn');
    $('calibrate').textContent = 'Try again';
  } finally {
    $('calibrate').disabled = false;
    $('calibration-continue').disabled = false;
  }
}

async function captureReference() {
  const status = $('reference-status');
  $('capture').disabled = true;
  $('retake').disabled = true;
  setStatus(status, 'Checking your photo…');
  try {
    const photo = await captureJPEG($('camera-preview'), { maxWidth: 960, quality: 0.9 });
    if (!photo) throw new Error('the camera has not delivered a picture yet; try again in a moment');
    const image = $('reference-photo');
    if (image.src) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(photo);
    image.classList.remove('hidden');
    await state.session.enrol(photo);
    state.enrolled = true;
    setStatus(status, 'Photo accepted: one clear face. You can start the exam.', 'ok');
    $('start-exam').disabled = false;
  } catch (error) {
    const reason = error.body?.message || error.message;
    setStatus(status, `Photo not accepted: ${reason}. Please retake it.`, 'bad');
    $('start-exam').disabled = !state.enrolled;
  } finally {
    $('capture').classList.add('hidden');
    $('retake').classList.remove('hidden');
    $('retake').disabled = false;
  }
}

async function startExam() {
  show('step-exam');
  $('exam-preview').srcObject = state.stream;
  const queue = new UploadQueue({ session: state.session, onChange: showUploads });
  await queue.open();
  let firstIndex = 0;
  try {
    firstIndex = await queue.resume();
  } catch (error) {
    fail(`Could not ask the server which pieces it has (${error.message}); recording continues and uploads will retry.`);
  }
  const recorder = new ChunkRecorder({ stream: state.stream, chunkSeconds: state.info.chunk_seconds, firstIndex, onChunk: (chunk) => queue.add(chunk) });
  recorder.start();
  const live = new LiveStream({ url: state.session.liveURL(), video: $('exam-preview'), onAnalysis: showAnalysis, onState: showLiveState });
  live.start();
  state.exam = { queue, recorder, live };
  $('end-exam').addEventListener('click', () => confirmEnd());
}

function confirmEnd() {
  const button = $('end-exam');
  if (button.dataset.confirming !== 'yes') {
    button.dataset.confirming = 'yes';
    button.textContent = 'Click again to end the exam';
    setTimeout(() => { button.dataset.confirming = ''; button.textContent = 'End exam'; }, 5000);
    return;
  }
  endExam();
}

async function endExam() {
  const { queue, recorder, live } = state.exam;
  show('step-done');
  const status = $('done-status');
  setStatus(status, 'Finishing the last video piece…');
  live.stop();
  const lastIndex = await recorder.stop();
  for (const track of state.stream.getTracks()) track.stop();
  setStatus(status, 'Uploading the remaining video pieces. Keep this page open.');
  await queue.drain();
  let result = null;
  for (let attempt = 0; !result; attempt++) {
    try {
      result = await state.session.end(lastIndex >= 0 ? lastIndex : null);
    } catch (error) {
      setStatus(status, `Could not reach the server to end the exam (${error.message}); retrying…`, 'warn');
      await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 1000 * 2 ** attempt)));
    }
  }
  finished({ result });
}

async function finished({ result, alreadyEnded = false } = {}) {
  show('step-done');
  let chunks = [];
  try { chunks = (await state.session.chunks()).chunks; } catch { /* shown as unknown */ }
  const total = chunks.reduce((sum, chunk) => sum + chunk.size, 0);
  const missing = result?.missing_chunks ?? [];
  setStatus($('done-status'), alreadyEnded ? 'This exam has already ended.' : (missing.length ? 'Exam ended, but some video pieces are missing.' : 'Exam ended. Everything was uploaded. You can close this page.'), missing.length ? 'warn' : 'ok');
  const facts = $('done-facts');
  facts.replaceChildren();
  const add = (term, value) => { const dt = document.createElement('dt'); dt.textContent = term; const dd = document.createElement('dd'); dd.textContent = value; facts.append(dt, dd); };
  add('Video pieces uploaded', String(chunks.length));
  add('Total size', bytes(total));
  add('Missing pieces', missing.length ? missing.join(', ') : 'none');
  facts.dataset.uploaded = String(chunks.length);
}

function showUploads({ uploaded, pending, retryAt, lastError, bytes: size }) {
  let text = `${uploaded} uploaded (${bytes(size)})`;
  if (pending > 0) text += `, ${pending} waiting`;
  if (pending > 0 && retryAt) text += ` – ${lastError || 'retrying'}, next try in ${Math.max(1, Math.round((retryAt - Date.now()) / 1000))} s`;
  $('fact-uploads').textContent = text;
  $('fact-uploads').dataset.uploaded = String(uploaded);
  $('fact-uploads').dataset.pending = String(pending);
}

let analyses = 0;
function showAnalysis(message) {
  analyses += 1;
  $('fact-rate').textContent = `${state.exam.live.fps} frames/s · ${analyses} analysed`;
  $('fact-rate').dataset.analyses = String(analyses);
  const kinds = (message.risk?.details?.violations ?? []).map((violation) => violation.kind);
  const notice = kinds.map((kind) => advice[kind]).find(Boolean);
  if (notice) {
    $('fact-alert').textContent = `${notice} (${new Date().toLocaleTimeString()})`;
    setStatus($('live-status'), notice, 'warn');
  } else {
    setStatus($('live-status'), 'Connected. Your exam is being recorded; all looks fine.', 'ok');
  }
}

function showLiveState({ connection, retryIn, serverError }) {
  if (connection === 'connected') $('fact-connection').textContent = 'Connected';
  if (connection === 'connecting') $('fact-connection').textContent = 'Connecting…';
  if (connection === 'reconnecting') {
    $('fact-connection').textContent = `Connection lost, reconnecting in ${Math.round(retryIn / 1000)} s (recording continues)`;
    setStatus($('live-status'), 'Connection lost. Your video is still being recorded and will upload when the connection is back.', 'warn');
  }
  if (serverError && serverError.code !== 'rate_limited') $('fact-connection').textContent = `Server: ${serverError.message}`;
}

init();
