// Formatting shared by the pages: times, durations and the plain-words names of findings.

export const findingLabels = {
  looking_away: 'Looking away from the screen',
  eyes_off_screen: 'Eyes off the screen',
  no_face: 'No face in view',
  multiple_people: 'More than one person in view',
  identity_mismatch: 'Face does not match the reference photo',
  cell_phone: 'Mobile phone in view',
  book: 'Book in view',
  laptop: 'Laptop in view',
  forbidden_object: 'Forbidden object in view',
  poor_lighting: 'Poor lighting (technical)',
  repeated_behaviour: 'Repeated behaviour',
  tab_hidden: 'Another tab was in front of the exam',
  window_blur: 'Another window was in front of the exam',
  fullscreen_exit: 'Left fullscreen',
  clipboard: 'Copied, cut or pasted text',
  context_menu: 'Opened the context menu',
  print_attempt: 'Tried to print the page',
  second_screen: 'A second screen is connected',
  camera_lost: 'The camera stopped',
  page_left: 'Left or closed the exam page',
  network_offline: 'The network was offline',
  talking: 'The candidate was talking',
  other_voice: 'Someone else was speaking',
  speech_no_face: 'Speech with no face in view',
  audio_unavailable: 'The microphone was not recorded',
};

/** Findings the sound of the recording yields (source "audio"), in the order of the speech lane's legend. */
export const speechKinds = ['talking', 'other_voice', 'speech_no_face'];

export const milestoneLabels = {
  consent: 'Consent given',
  reference: 'Reference photo',
  gaze_calibrated: 'Gaze calibrated',
  live_connected: 'Connected',
  live_disconnected: 'Disconnected',
  end_requested: 'Candidate ended',
  finalized: 'Video finalized',
  camera_restored: 'Camera back',
  page_returned: 'Exam page reopened',
  network_online: 'Back online',
  screen_check: 'Screens checked',
  audio_unavailable: 'Microphone not recorded',
  audio_unreadable: 'Sound of a piece unreadable',
  no_reference: 'No reference photo: identity not checked live',
};

export function label(type) {
  return findingLabels[type] || type.replaceAll('_', ' ');
}

/** 75.4 → "1:15" */
export function clock(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function dateTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function percent(value) {
  return value == null ? '–' : `${Math.round(value * 100)}%`;
}

export function bytes(size) {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** Builds an element: el('td', {class: 'x'}, 'text', child). Text is always text, never HTML. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    // Through CSSOM: the pages' Content-Security-Policy forbids inline style attributes.
    else if (key === 'style') node.style.cssText = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
