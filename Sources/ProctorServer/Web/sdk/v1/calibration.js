// The optional gaze calibration step: a dot in the centre of the screen, then in each corner, about
// a second each. A few webcam frames are taken while the candidate looks at the dot; the server
// measures them (face, head pose, iris) and stores the centre and range with the session.
import { captureJPEG } from './camera.js';

export const TARGETS = ['center', 'top_left', 'top_right', 'bottom_right', 'bottom_left'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/**
 * Shows the dot at each target for `seconds` and returns [{target, frames}]. The first `settle` ms
 * at each target are not captured: the eyes need a moment to find the dot.
 */
export async function collectCalibration({ video, stage, dot, seconds = 1, frames = 3, settle = 400 }) {
  const canvas = document.createElement('canvas');
  const gap = Math.max(50, (seconds * 1000 - settle) / frames);
  const targets = [];
  stage.classList.remove('hidden');
  try {
    for (const target of TARGETS) {
      dot.className = `calibration-dot ${target}`;
      stage.dataset.target = target;
      await sleep(settle);
      const captured = [];
      for (let i = 0; i < frames; i++) {
        const photo = await captureJPEG(video, { maxWidth: 640, quality: 0.8, canvas });
        if (photo) captured.push(await base64(photo));
        await sleep(gap);
      }
      if (captured.length) targets.push({ target, frames: captured });
    }
  } finally {
    stage.classList.add('hidden');
    delete stage.dataset.target;
  }
  return targets;
}
