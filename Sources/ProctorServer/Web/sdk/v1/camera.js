// The webcam (and, when the exam records sound, the microphone): one MediaStream shared by the
// preview, the live frames and the recorder.

const VIDEO = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15 } };

function cameraError(error) {
  if (error.name === 'NotAllowedError') return new Error('Camera access was refused. Allow the camera for this page and reload.');
  if (error.name === 'NotFoundError') return new Error('No camera was found. Connect a webcam and reload.');
  return new Error(`The camera could not be opened: ${error.message}`);
}

/** Why a microphone that was asked for is not in the stream: "refused" or "no_microphone". */
async function missingMicrophone(error) {
  if (error?.name === 'NotAllowedError' || error?.name === 'SecurityError') return 'refused';
  if (error?.name === 'NotFoundError' || error?.name === 'NotReadableError' || error?.name === 'OverconstrainedError') return 'no_microphone';
  // No error, just no audio track (a Permissions-Policy can drop it silently): is there a microphone at all?
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.some((device) => device.kind === 'audioinput') ? 'refused' : 'no_microphone';
  } catch {
    return 'refused';
  }
}

async function videoOnly() {
  try {
    return await navigator.mediaDevices.getUserMedia({ video: VIDEO, audio: false });
  } catch (error) {
    throw cameraError(error);
  }
}

/** Whether this document may use the microphone at all (its Permissions-Policy; a frame needs allow="microphone"). */
function microphoneAllowed() {
  const policy = document.permissionsPolicy || document.featurePolicy;
  return typeof policy?.allowsFeature !== 'function' || policy.allowsFeature('microphone');
}

/**
 * Opens the camera, and the microphone unless the exam's audio policy is "off", with one
 * permission prompt. A microphone that is refused or missing does not stop the camera: the stream
 * is then video only. Returns `{stream, audio}` where `audio` is `{state: "on"}` or
 * `{state: "unavailable", reason: "refused" | "no_microphone" | "policy_off"}`.
 */
export async function openCamera({ audio = 'off' } = {}) {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser cannot use a webcam here (a secure https page is needed).');
  if (audio === 'off') return { stream: await videoOnly(), audio: { state: 'unavailable', reason: 'policy_off' } };
  // The browser would drop the microphone anyway (and complain): do not ask.
  if (!microphoneAllowed()) return { stream: await videoOnly(), audio: { state: 'unavailable', reason: 'refused' } };
  let refusal = null;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: VIDEO, audio: true });
    if (stream.getAudioTracks().length > 0) return { stream, audio: { state: 'on' } };
    return { stream, audio: { state: 'unavailable', reason: await missingMicrophone(null) } };
  } catch (error) {
    refusal = error;
  }
  // The camera and the microphone were asked for together; try the camera alone before giving up.
  const stream = await videoOnly();
  return { stream, audio: { state: 'unavailable', reason: await missingMicrophone(refusal) } };
}

/** Draws the video's current frame, scaled to at most `maxWidth`, and encodes it as JPEG. */
export function captureJPEG(video, { maxWidth = 640, quality = 0.8, canvas = document.createElement('canvas') } = {}) {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) return Promise.resolve(null);
  const scale = Math.min(1, maxWidth / width);
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}
