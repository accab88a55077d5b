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
/** What the evidence panel shows: `{kind: 'event' | 'incident', id}`. */
let selected = null;
let videoLoaded = false;
/** Notes typed and not yet saved, by `kind:id`: a reload or another selection never loses them. */
const drafts = new Map();
let saves = 0;

function fail(message) {
  const box = $('page-error');
  box.textContent = message;
  box.classList.toggle('hidden', !message);
}

const timeline = new Timeline({
  container: $('timeline'), legend: $('legend'), speech: $('speech-lane'), speechLegend: $('speech-legend'), video: $('video'),
  onSelect: (event) => select({ kind: 'event', id: event.id }, { seek: true }),
  onSelectIncident: (incident) => select({ kind: 'incident', id: incident.id }, { seek: true }),
});

/** The server's incidents (groups of findings that overlap in time); none from a server that does not group yet. */
// Only those of the video's findings (`events`): live ones group on the stream's clock and are listed with the live alerts.
const incidents = () => (report?.incidents || []).filter((incident) => incident.finding_ids.some((id) => findEvent(id)));
const findEvent = (id) => report.events.find((event) => event.id === id);
const findIncident = (id) => incidents().find((incident) => incident.id === id);
const membersOf = (incident) => incident.finding_ids.map(findEvent).filter(Boolean);
const current = () => (selected?.kind === 'incident' ? findIncident(selected.id) : selected ? findEvent(selected.id) : null);
const key = (selection) => `${selection.kind}:${selection.id}`;

/** An incident's decision from its findings': one word when they agree, `mixed` when they do not. */
function incidentDecision(incident) {
  const decisions = new Set(membersOf(incident).map((event) => event.decision || null));
  if (decisions.size === 1) return [...decisions][0];
  return 'mixed';
}

function describeIncident(incident) {
  return `Incident: ${incident.types.map(label).join(' and ')}`;
}

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
  renderPrint();
  if (selected && current()) select(selected, { seek: false });
}

function renderReviewed() {
  const button = $('mark-reviewed');
  button.textContent = report.reviewed ? 'Reviewed ✓ (undo)' : 'Mark session reviewed';
  button.dataset.reviewed = report.reviewed ? 'yes' : 'no';
  $('print-reviewed').textContent = report.reviewed ? `Session marked reviewed ${dateTime(report.reviewed_at)}.` : 'Session not marked reviewed yet.';
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
  timeline.render({ duration: recording.video_duration || 1, events: report.events, milestones: report.milestones, incidents: incidents(), speechLane });
}

/** The list's entries in time order: an incident (with its findings inside) or a finding on its own. */
function entries() {
  const grouped = new Set(incidents().flatMap((incident) => incident.finding_ids));
  const list = [
    ...incidents().map((incident) => ({ kind: 'incident', start: incident.start, item: incident })),
    ...report.events.filter((event) => !grouped.has(event.id)).map((event) => ({ kind: 'event', start: event.start, item: event })),
  ];
  return list.sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity));
}

function eventRow(event, { inIncident = false } = {}) {
  return el('tr', { dataset: { eventId: event.id }, class: [inIncident ? 'in-incident' : null, selected?.kind === 'event' && selected.id === event.id ? 'selected' : null].filter(Boolean).join(' ') || null },
    el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: () => select({ kind: 'event', id: event.id }, { seek: true }), 'aria-label': `Show ${label(event.type)} at ${clock(event.start)}` }, clock(event.start))),
    el('td', {}, inIncident ? el('span', { class: 'muted', 'aria-hidden': 'true' }, '↳ ') : null, event.description || label(event.type),
      event.source === 'browser' ? el('span', { class: 'small muted' }, ' (exam page)') : null,
      event.source === 'audio' ? el('span', { class: 'small muted' }, ' (sound)') : null,
      event.type === 'poor_lighting' ? el('span', { class: 'small muted', dataset: { technical: 'true' } }, ' (technical condition, not behaviour)') : null,
      event.details?.poor_lighting ? el('span', { class: 'small muted' }, ' (in poor lighting: the camera may not have seen the face; weighs less)') : null,
      event.accommodation_scale < 1 ? el('span', { class: 'small muted' }, event.accommodation_scale === 0 ? ' (accommodated: off)' : ` (accommodated ×${event.accommodation_scale})`) : null),
    el('td', {}, percent(event.confidence)),
    el('td', { class: event.decision ? `decision-${event.decision}` : 'muted' }, event.decision || 'pending'));
}

function renderEvents() {
  const table = $('events');
  for (const body of table.querySelectorAll('tbody')) body.remove();
  const bodies = [];
  let loose = null;
  for (const entry of entries()) {
    if (entry.kind === 'event') {
      if (!loose) { loose = el('tbody', {}); bodies.push(loose); }
      loose.append(eventRow(entry.item));
      continue;
    }
    loose = null;
    const incident = entry.item;
    const members = membersOf(incident);
    const decision = incidentDecision(incident);
    const isSelected = selected?.kind === 'incident' && selected.id === incident.id;
    bodies.push(el('tbody', { class: 'incident', dataset: { incidentId: incident.id } },
      el('tr', { class: `incident-head${isSelected ? ' selected' : ''}`, dataset: { incidentId: incident.id } },
        el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: () => select({ kind: 'incident', id: incident.id }, { seek: true }), 'aria-label': `Show incident at ${clock(incident.start)}` }, clock(incident.start))),
        el('td', {}, el('strong', {}, describeIncident(incident)), el('span', { class: 'small muted' }, ` · ${members.length} findings, ${clock(incident.start)} to ${clock(incident.end)}`)),
        el('td', {}, percent(incident.confidence)),
        el('td', { class: decision && decision !== 'mixed' ? `decision-${decision}` : 'muted' }, decision || 'pending')),
      ...members.map((event) => eventRow(event, { inIncident: true }))));
  }
  if (!report.events.length) {
    bodies.push(el('tbody', {}, el('tr', {}, el('td', { colspan: 4, class: 'muted' }, report.recording?.finalized ? 'No findings in the recording.' : 'Findings appear here as the video is analysed.'))));
  }
  table.append(...bodies);
}

function renderMilestones() {
  $('milestones').replaceChildren(...report.milestones.map((milestone) => el('li', {},
    `${milestoneLabels[milestone.kind] || milestone.kind} – ${dateTime(milestone.at)}`,
    milestone.video_time != null ? ` (video ${clock(milestone.video_time)})` : '')));
}

function renderViolations() {
  const body = $('violations').querySelector('tbody');
  // On the video's clock when the server could place them there (a recorded session); else the live connection's.
  const onVideo = report.violations.some((violation) => violation.video_time != null);
  $('violations-clock').textContent = onVideo
    ? 'Raised while the exam ran; times on the video (the live connection\'s clock in brackets).'
    : 'Raised while the exam ran (times from the start of the live connection).';
  body.replaceChildren(...report.violations.map((violation) => el('tr', { dataset: { violationId: violation.id } },
    el('td', {}, violation.video_time != null
      ? [el('span', { dataset: { videoTime: String(violation.video_time) } }, clock(violation.video_time)), el('span', { class: 'small muted' }, ` (live ${clock(violation.start)})`)]
      : clock(violation.start)),
    el('td', {}, label(violation.type)), el('td', {}, `${violation.duration.toFixed(1)} s`), el('td', {}, percent(violation.peak_confidence)))));
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

// --- The printed report: every finding or incident with its snapshot, decision, note and reviewer ---

/** Resolves when every snapshot of the printed report has loaded (or failed); `body[data-print-ready]` says so too. */
let printReady = Promise.resolve();
let printGeneration = 0;

function printFacts(event) {
  const decided = event.decision ? `${event.decision}${event.reviewer ? ` by ${event.reviewer}` : ''}${event.reviewed_at ? `, ${dateTime(event.reviewed_at)}` : ''}` : 'pending';
  return el('dl', { class: 'facts small' },
    el('dt', {}, 'Time'), el('dd', {}, `${clock(event.start)} – ${clock(event.end)}`),
    el('dt', {}, 'Confidence'), el('dd', {}, event.source === 'browser' ? 'reported by the exam page' : percent(event.confidence)),
    el('dt', {}, 'Decision'), el('dd', { dataset: { decision: event.decision || 'pending' } }, decided),
    el('dt', {}, 'Reviewer'), el('dd', {}, event.reviewer || '–'),
    el('dt', {}, 'Note'), el('dd', { class: 'print-note' }, event.note || '–'));
}

function printSnapshot(event) {
  if (!event.evidence_url) return el('p', { class: 'small muted' }, 'No snapshot.');
  if (event.evidence_type === 'audio') return el('p', { class: 'small muted' }, 'Evidence: a sound clip (listen to it in the review page).');
  return el('img', { src: event.evidence_url, alt: `Snapshot: ${label(event.type)} at ${clock(event.start)}`, class: 'print-snapshot' });
}

function printFinding(event, heading = 'h3') {
  return el('article', { class: 'print-item', dataset: { eventId: event.id } },
    el(heading, {}, `${event.description || label(event.type)} at ${clock(event.start)}`),
    el('div', { class: 'print-row' }, printSnapshot(event), printFacts(event)));
}

function renderPrint() {
  const items = entries().map((entry) => {
    if (entry.kind === 'event') return printFinding(entry.item);
    const incident = entry.item;
    const decision = incidentDecision(incident);
    return el('section', { class: 'print-item print-incident', dataset: { incidentId: incident.id } },
      el('h3', {}, `${describeIncident(incident)}, ${clock(incident.start)} – ${clock(incident.end)}`),
      el('p', { class: 'small' }, `${incident.finding_ids.length} findings at the same time · highest confidence ${percent(incident.confidence)} · decision ${decision || 'pending'}`),
      ...membersOf(incident).map((event) => printFinding(event, 'h4')));
  });
  $('print-items').replaceChildren(...(items.length ? items : [el('p', {}, 'No findings.')]));
  const images = [...$('print-items').querySelectorAll('img')];
  document.body.dataset.printReady = 'no';
  const loaded = (image) => (image.complete ? Promise.resolve() : new Promise((resolve) => {
    image.addEventListener('load', resolve, { once: true });
    image.addEventListener('error', resolve, { once: true });
  }));
  const generation = ++printGeneration;
  printReady = Promise.all(images.map(loaded)).then(() => {
    if (generation !== printGeneration) return;
    document.body.dataset.printReady = 'yes';
    document.body.dataset.printImages = String(images.filter((image) => image.naturalWidth > 0).length);
  });
}

// --- The evidence panel and decisions -------------------------------------------------------------

function showEvidence(event, alt) {
  const image = $('evidence-image');
  const audio = $('evidence-audio');
  // Evidence is a snapshot (JPEG) unless the server says it is a sound clip (Ogg/Opus).
  const kind = event?.evidence_url ? (event.evidence_type === 'audio' ? 'audio' : 'image') : null;
  if (kind === 'image') {
    image.src = event.evidence_url;
    image.alt = alt;
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
}

function select(selection, { seek }) {
  const changed = !selected || key(selected) !== key(selection);
  // Keep what was typed for the item being left.
  if (selected && changed) stashDraft();
  selected = selection;
  const item = current();
  if (!item) return;
  $('evidence-empty').classList.add('hidden');
  $('evidence').classList.remove('hidden');
  $('evidence').dataset.kind = selection.kind;
  if (selection.kind === 'incident') {
    const members = membersOf(item);
    const pictured = members.find((event) => event.evidence_url && event.evidence_type !== 'audio') || members[0];
    showEvidence(pictured, `Snapshot: ${describeIncident(item)} at ${clock(item.start)}`);
    const decision = incidentDecision(item);
    $('evidence-type').textContent = `${describeIncident(item)} (${members.length} findings)`;
    $('evidence-time').textContent = `${clock(item.start)} – ${clock(item.end)}`;
    $('evidence-confidence').textContent = `${percent(item.confidence)} (highest)`;
    $('evidence-decision').textContent = decision || 'pending';
    $('evidence-decision').className = decision && decision !== 'mixed' ? `decision-${decision}` : '';
    $('decide-scope').textContent = 'Confirm or dismiss decides every finding of this incident; each can also be decided on its own in the list.';
    $('decide-scope').classList.remove('hidden');
  } else {
    showEvidence(item, `Snapshot: ${label(item.type)} at ${clock(item.start)}`);
    $('evidence-type').textContent = label(item.type);
    $('evidence-time').textContent = `${clock(item.start)} – ${clock(item.end)}`;
    $('evidence-confidence').textContent = item.source === 'browser' ? 'reported by the exam page' : percent(item.confidence);
    $('evidence-decision').textContent = item.decision || 'pending';
    $('evidence-decision').className = item.decision ? `decision-${item.decision}` : '';
    $('decide-scope').classList.add('hidden');
  }
  // The box shows the unsaved text when there is one (never overwritten by a refresh), else the stored note.
  const note = $('note');
  const draft = drafts.get(key(selection));
  if (draft != null) note.value = draft;
  else if (changed || document.activeElement !== note) note.value = selection.kind === 'incident' ? incidentNote(item) : item.note || '';
  if (changed) setSaveStatus('', null);
  timeline.select(selection.kind === 'incident' ? { incidentId: item.id } : { eventId: item.id });
  for (const row of $('events').querySelectorAll('tbody tr')) {
    const mine = selection.kind === 'incident' ? row.classList.contains('incident-head') && row.dataset.incidentId === item.id : row.dataset.eventId === item.id;
    row.classList.toggle('selected', mine);
  }
  if (seek && item.start != null) timeline.seek(item.start);
}

/** The note an incident shows: its findings' note when they share one. */
function incidentNote(incident) {
  const notes = [...new Set(membersOf(incident).map((event) => event.note || ''))];
  return notes.length === 1 ? notes[0] : '';
}

function stashDraft() {
  const item = current();
  if (!item) return;
  const value = $('note').value;
  const stored = selected.kind === 'incident' ? incidentNote(item) : item.note || '';
  if (value !== stored) drafts.set(key(selected), value);
  else drafts.delete(key(selected));
}

function setSaveStatus(text, state) {
  const status = $('save-status');
  status.textContent = text;
  if (state) status.dataset.state = state;
  else delete status.dataset.state;
  status.classList.toggle('error-text', state === 'failed');
}

/** Saves a decision and/or the note of the selection; "Saved." only once the server has answered 2xx. */
async function decide(fields) {
  if (!selected) return;
  const selection = selected;
  const item = current();
  if (!item) return;
  const note = $('note').value;
  // The note box is saved with the decision: what is typed is never lost.
  const body = { ...fields, note };
  drafts.set(key(selection), note);
  // Only the latest save speaks: an earlier answer arriving late does not say "Saved." for a later one.
  const sequence = ++saves;
  setSaveStatus('Saving…', 'saving');
  try {
    const url = selection.kind === 'incident'
      ? `${base}/incidents/${encodeURIComponent(selection.id)}`
      : `${base}/events/${encodeURIComponent(selection.id)}`;
    const saved = await request('PATCH', url, { json: body });
    const results = selection.kind === 'incident' ? saved?.findings || [] : [saved];
    for (const result of results) {
      const stored = result && findEvent(result.id);
      if (stored) Object.assign(stored, { decision: result.decision, note: result.note, reviewer: result.reviewer ?? stored.reviewer, reviewed_at: result.reviewed_at ?? stored.reviewed_at });
    }
    if (selection.kind === 'incident' && item) item.decision = incidentDecision(item);
    if (drafts.get(key(selection)) === note) drafts.delete(key(selection));
    renderEvents();
    renderPrint();
    if (selected && key(selected) === key(selection) && sequence === saves) {
      select(selection, { seek: false });
      setSaveStatus('Saved.', 'saved');
    }
  } catch (error) {
    const why = error.status === 401 ? 'your login has expired (log in again in another tab, then save)' : error.message;
    setSaveStatus(`Not saved: ${why}. Your note is kept here; try again.`, 'failed');
  }
}

$('note').addEventListener('input', () => { if (selected) drafts.set(key(selected), $('note').value); });
$('confirm').addEventListener('click', () => decide({ decision: 'confirmed' }));
$('dismiss').addEventListener('click', () => decide({ decision: 'dismissed' }));
$('save-note').addEventListener('click', () => decide({}));
$('print').addEventListener('click', async () => {
  // The snapshots must be in before the print dialog takes its picture of the page.
  await printReady;
  window.print();
});
$('mark-reviewed').addEventListener('click', async () => {
  try {
    const result = await request('PATCH', base, { json: { reviewed: !report.reviewed } });
    report.reviewed = result.reviewed;
    report.reviewed_at = result.reviewed_at;
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
