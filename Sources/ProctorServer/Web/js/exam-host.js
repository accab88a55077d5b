// The standalone exam page `/exam/{session}?token=…[&exam_url=…]`: a thin host of the SDK (the
// same code every exam site embeds), with the exam site in a frame when it allows framing and is
// one of the server's allowed origins (the page's Content-Security-Policy lists only those).
import { CandidateSession } from '/sdk/v1/session.js';
import { mount } from '/sdk/v1/sdk.js';

const examURL = new URLSearchParams(window.location.search).get('exam_url');
const session = CandidateSession.fromLocation();
const frame = document.getElementById('exam-frame');
const element = await mount({ server: window.location.origin, session: session.id, token: session.token });
element.addEventListener('proctor:started', () => {
  if (!examURL) return;
  frame.src = examURL;
  frame.classList.remove('hidden');
  document.getElementById('exam-placeholder').classList.add('hidden');
});
