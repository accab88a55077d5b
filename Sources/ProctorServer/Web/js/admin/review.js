// The review page: the merged video, the timeline of findings and milestones, the evidence panel
// with confirm / dismiss / note, the reviewed marker, exports and processing figures.
import { request, getJSON } from '../shared/api.js';
import { clock, dateTime, label, percent, milestoneLabels, el } from '../shared/format.js';
import { Timeline } from './timeline.js';
import { currentAccount, toLogin } from './account.js';

const $ = (id) => document.getElementById(id);
const sessionId = decodeURIComponent(window.location.pathname.split('/').filter(Boolean).pop());
const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
let report = null;
let selected = null;
let videoLoaded = false;

function fail(message) {
  const box = $('page-error');
  box.textContent = message;
  box.classList.toggle('hidden', !message);
}

const timeline = new Timeline({
  container: $('timeline'), legend: $('legend'), speech: $('speech-lane'), speechLegend: $('speech-legend'), video: $('video'),
  onSelect: (event) => select(event, { seek: true }),
});

async function load() {
  try {
    report = await getJSON(`${base}/review`);
  } catch (error) {
    if (error.status === 401) { toLogin(); return; }
    fail(error.status === 404 ? 'There is no such session.' : error.status === 403 ? 'Your role may not review sessions.' : `The session could not be loaded: ${error.message}`);
    return;
  }
  render();
  // While the worker is still merging the video, look again now and then (this page only, gently).
  if (report.recording && !report.recording.finalized) setTimeout(load, 5000);
}

function render() {
  const recording = report.recording;
  document.title = `${recording?.candidate_id || report.session_id} – Session review`;
  $('title').textContent = recording ? `${recording.candidate_id} · ${recording.exam_id}` : `Live session ${report.session_id}`;
  $('subtitle').textContent = `Started ${dateTime(report.started_at)} · status ${report.status} · review priority ${Math.round(report.priority)}`
    + (recording?.consent_at ? ` · consent ${dateTime(recording.consent_at)}` : '');
  const accommodation = report.accommodation;
  $('accommodation').classList.toggle('hidden', !accommodation);
  if (accommodation) {
    const parts = Object.entries(accommodation.scales).map(([kind, scale]) => `${label(kind)} ${scale === 0 ? 'switched off' : `weighted ×${scale}`}`);
    $('accommodation').textContent = `Accommodations for this candidate: ${parts.join(', ')}.${accommodation.note ? ` ${accommodation.note}` : ''}`;
  }
  $('export-json').href = `${base}/report?format=json`;
  $('export-csv').href = `${base}/report?format=csv`;
  renderReviewed();
  renderVideo();
  renderEvents();
  renderMilestones();
  renderViolations();
  renderFigures();
  if (selected) {
    const fresh = report.events.find((event) => event.id === selected.id);
    if (fresh) select(fresh, { seek: false });
  }
}

function renderReviewed() {
  const button = $('mark-reviewed');
  button.textContent = report.reviewed ? 'Reviewed ✓ (undo)' : 'Mark session reviewed';
  button.dataset.reviewed = report.reviewed ? 'yes' : 'no';
}

function renderVideo() {
  const recording = report.recording;
  const status = $('video-status');
  const video = $('video');
  if (!recording) {
    status.textContent = 'This was a live-only session; there is no recording.';
    status.classList.remove('hidden');
    return;
  }
  if (!recording.video_url) {
    const chunks = report.figures.recording;
    const processed = (chunks.by_status.processed || 0) + (chunks.by_status.merged || 0);
    status.textContent = recording.end_requested
      ? `The video is being processed: ${processed} of ${chunks.chunks} pieces analysed. This page updates by itself.`
      : `The exam is still running: ${chunks.chunks} video pieces received so far.`;
    status.classList.remove('hidden');
    return;
  }
  status.classList.toggle('hidden', !(recording.gaps || []).length);
  if ((recording.gaps || []).length) status.textContent = `Missing video pieces: ${recording.gaps.join(', ')} (not uploaded or unreadable).`;
  if (!videoLoaded) {
    video.src = recording.video_url;
    video.classList.remove('hidden');
    videoLoaded = true;
  }
  $('timeline').classList.remove('hidden');
  // The speech lane shows for an exam that records sound (when the server says so) or whenever the sound yielded findings.
  const speechLane = recording.audio === 'on' || recording.audio === 'required';
  timeline.render({ duration: recording.video_duration || 1, events: report.events, milestones: report.milestones, speechLane });
}

function renderEvents() {
  const body = $('events').querySelector('tbody');
  body.replaceChildren(...report.events.map((event) => el('tr', { dataset: { eventId: event.id }, class: selected?.id === event.id ? 'selected' : null },
    el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: () => select(event, { seek: true }), 'aria-label': `Show ${label(event.type)} at ${clock(event.start)}` }, clock(event.start))),
    el('td', {}, event.description || label(event.type), event.source === 'browser' ? el('span', { class: 'small muted' }, ' (exam page)') : null,
      event.source === 'audio' ? el('span', { class: 'small muted' }, ' (sound)') : null,
      event.type === 'poor_lighting' ? el('span', { class: 'small muted', dataset: { technical: 'true' } }, ' (technical condition, not behaviour)') : null,
      event.details?.poor_lighting ? el('span', { class: 'small muted' }, ' (in poor lighting: the camera may not have seen the face; weighs less)') : null,
      event.accommodation_scale < 1 ? el('span', { class: 'small muted' }, event.accommodation_scale === 0 ? ' (accommodated: off)' : ` (accommodated ×${event.accommodation_scale})`) : null),
    el('td', {}, percent(event.confidence)),
    el('td', { class: event.decision ? `decision-${event.decision}` : 'muted' }, event.decision || 'pending'))));
  if (!report.events.length) body.append(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, report.recording?.finalized ? 'No findings in the recording.' : 'Findings appear here as the video is analysed.')));
}

function renderMilestones() {
  $('milestones').replaceChildren(...report.milestones.map((milestone) => el('li', {},
    `${milestoneLabels[milestone.kind] || milestone.kind} – ${dateTime(milestone.at)}`,
    milestone.video_time != null ? ` (video ${clock(milestone.video_time)})` : '')));
}

function renderViolations() {
  const body = $('violations').querySelector('tbody');
  body.replaceChildren(...report.violations.map((violation) => el('tr', {},
    el('td', {}, clock(violation.start)), el('td', {}, label(violation.type)), el('td', {}, `${violation.duration.toFixed(1)} s`), el('td', {}, percent(violation.peak_confidence)))));
  if (!report.violations.length) body.append(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'None.')));
}

function renderFigures() {
  const live = report.figures.live;
  const recording = report.figures.recording;
  const rows = [
    ['Frames received', live.frames_received], ['Frames analysed', live.frames_processed], ['Frames skipped (no motion)', live.frames_skipped],
    ['Frames dropped (busy)', live.frames_dropped],
    ['Analysis latency p50 / p95', live.latency_ms ? `${live.latency_ms.p50.toFixed(0)} / ${live.latency_ms.p95.toFixed(0)} ms` : '–'],
    ['Video pieces', `${recording.chunks} (${Object.entries(recording.by_status).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'})`],
    ['Video length', clock(recording.video_seconds)],
  ];
  $('figures').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, String(value))]));
}

function select(event, { seek }) {
  selected = event;
  $('evidence-empty').classList.add('hidden');
  $('evidence').classList.remove('hidden');
  const image = $('evidence-image');
  const audio = $('evidence-audio');
  // Evidence is a snapshot (JPEG) unless the server says it is a sound clip (Ogg/Opus).
  const kind = event.evidence_url ? (event.evidence_type === 'audio' ? 'audio' : 'image') : null;
  if (kind === 'image') {
    image.src = event.evidence_url;
    image.alt = `Snapshot: ${label(event.type)} at ${clock(event.start)}`;
  }
  image.classList.toggle('hidden', kind !== 'image');
  if (kind === 'audio') {
    if (audio.getAttribute('src') !== event.evidence_url) {
      audio.pause();
      audio.src = event.evidence_url;
    }
    audio.setAttribute('aria-label', `Sound clip: ${label(event.type)} at ${clock(event.start)}`);
  } else if (audio.hasAttribute('src')) {
    audio.pause();
    audio.removeAttribute('src');
    audio.load();
  }
  audio.classList.toggle('hidden', kind !== 'audio');
  $('evidence').dataset.evidenceType = kind || 'none';
  $('evidence-type').textContent = label(event.type);
  $('evidence-time').textContent = `${clock(event.start)} – ${clock(event.end)}`;
  $('evidence-confidence').textContent = event.source === 'browser' ? 'reported by the exam page' : percent(event.confidence);
  $('evidence-decision').textContent = event.decision || 'pending';
  $('evidence-decision').className = event.decision ? `decision-${event.decision}` : '';
  if (document.activeElement !== $('note')) $('note').value = event.note || '';
  timeline.select(event.id);
  for (const row of $('events').querySelectorAll('tbody tr')) row.classList.toggle('selected', row.dataset.eventId === event.id);
  if (seek && event.start != null) timeline.seek(event.start);
}

async function decide(fields) {
  if (!selected) return;
  $('save-status').textContent = 'Saving…';
  try {
    const saved = await request('PATCH', `${base}/events/${encodeURIComponent(selected.id)}`, { json: fields });
    Object.assign(selected, { decision: saved.decision, note: saved.note });
    const stored = report.events.find((event) => event.id === selected.id);
    if (stored) Object.assign(stored, { decision: saved.decision, note: saved.note });
    renderEvents();
    select(selected, { seek: false });
    $('save-status').textContent = 'Saved.';
  } catch (error) {
    $('save-status').textContent = `Not saved: ${error.message}`;
  }
}

$('confirm').addEventListener('click', () => decide({ decision: 'confirmed' }));
$('dismiss').addEventListener('click', () => decide({ decision: 'dismissed' }));
$('save-note').addEventListener('click', () => decide({ note: $('note').value }));
$('print').addEventListener('click', () => window.print());
$('mark-reviewed').addEventListener('click', async () => {
  try {
    const result = await request('PATCH', base, { json: { reviewed: !report.reviewed } });
    report.reviewed = result.reviewed;
    renderReviewed();
  } catch (error) {
    fail(`Could not save the reviewed marker: ${error.message}`);
  }
});

const me = await currentAccount();
if (me.permissions.includes('delete_sessions')) {
  const button = $('delete-session');
  button.classList.remove('hidden');
  button.addEventListener('click', async () => {
    if (button.dataset.confirming !== 'yes') {
      button.dataset.confirming = 'yes';
      button.textContent = 'Click again to delete everything captured in this session';
      return;
    }
    try {
      await request('DELETE', base);
      window.location.assign('/admin');
    } catch (error) {
      fail(`Not deleted: ${error.message}`);
    }
  });
}
load();
