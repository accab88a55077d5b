// The webcam: one MediaStream shared by the preview, the live frames and the recorder.

export async function openCamera() {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser cannot use a webcam here (a secure https page is needed).');
  try {
    return await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15 } }, audio: false });
  } catch (error) {
    if (error.name === 'NotAllowedError') throw new Error('Camera access was refused. Allow the camera for this page and reload.');
    if (error.name === 'NotFoundError') throw new Error('No camera was found. Connect a webcam and reload.');
    throw new Error(`The camera could not be opened: ${error.message}`);
  }
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
