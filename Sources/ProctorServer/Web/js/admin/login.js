// The login form: on success the server sets an HttpOnly cookie; go back to where the user was.
import { request } from '../shared/api.js';

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.classList.add('hidden');
  document.getElementById('login-submit').disabled = true;
  try {
    await request('POST', '/api/auth/login', { json: { username: document.getElementById('username').value, password: document.getElementById('password').value } });
    const next = new URLSearchParams(window.location.search).get('next');
    // Only same-site paths: never redirect to another origin.
    window.location.assign(next && next.startsWith('/') && !next.startsWith('//') ? next : '/admin');
  } catch (failure) {
    error.textContent = failure.status === 429 ? 'Too many attempts. Wait a minute and try again.' : 'Wrong username or password.';
    error.classList.remove('hidden');
    document.getElementById('login-submit').disabled = false;
    document.getElementById('password').focus();
  }
});
