// The dashboard's main page: live grid, ranked sessions, and invitations.
import { request } from '../shared/api.js';
import { SessionsTable } from './sessions-table.js';
import { LiveGrid } from './live-grid.js';
import { currentAccount } from './account.js';
import { startAdminPanels } from './admin-panels.js';

const $ = (id) => document.getElementById(id);

function fail(message) {
  const box = $('page-error');
  box.textContent = message;
  box.classList.toggle('hidden', !message);
}

const me = await currentAccount();
const can = (permission) => me.permissions.includes(permission);

const table = new SessionsTable({ table: $('sessions'), caption: $('sessions-caption'), form: $('filters'), onError: fail });
$('refresh').addEventListener('click', () => table.load());
table.load();

if (can('watch_live')) {
  $('live').classList.remove('hidden');
  // A session appearing or leaving the live grid changes the table too: reload it then, not on a timer.
  // Every message also updates the connected sessions' rows (state, findings so far, duration) in place.
  new LiveGrid({
    grid: $('live-grid'), count: $('live-count'), status: $('live-feed-status'), onSessionsChanged: () => table.load(),
    onTiles: (tiles) => table.applyLive(tiles),
  }).start();
} else {
  document.querySelector('a[href="#live"]').classList.add('hidden');
}
if (can('manage_exams')) $('invite-panel').classList.remove('hidden');
startAdminPanels(me.permissions);

$('new-session').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const session = await request('POST', '/api/sessions', {
      json: {
        exam_id: $('new-exam').value.trim(), candidate_id: $('new-candidate').value.trim(), chunk_seconds: Number($('new-chunk').value) || 20,
        audio: $('new-audio').value,
      },
    });
    const link = session.invitation_url
      ? new URL(session.invitation_url, window.location.origin).href
      : `${window.location.origin}/exam/${encodeURIComponent(session.id)}?token=${encodeURIComponent(session.upload_token)}`;
    $('invite-link').textContent = link;
    $('invite-expiry').textContent = session.invitation_expires_at
      ? `It works for this session only and expires ${new Date(session.invitation_expires_at).toLocaleString()}.` : 'It works for this session only.';
    $('invite-result').classList.remove('hidden');
    fail('');
    table.load();
  } catch (error) {
    fail(`The invitation could not be created: ${error.message}`);
  }
});

$('copy-invite').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('invite-link').textContent);
    $('copy-invite').textContent = 'Copied';
  } catch {
    $('copy-invite').textContent = 'Select the link and copy it';
  }
});
