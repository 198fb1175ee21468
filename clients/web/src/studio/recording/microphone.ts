/** Containers media can stitch, best first; the first one this browser's MediaRecorder writes is used. */
const MIME_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];

export function recordingMimeType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  return MIME_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/** Asks for the microphone; a refusal becomes an Error whose message a person can act on. */
export async function openMicrophone(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('Recording needs the page to be opened over https.');
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (error) {
    throw new Error(microphoneProblem(error));
  }
}

function microphoneProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'The microphone is blocked. Allow this site to use it, then press Record again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Connect one, then press Record again.';
  if (name === 'NotReadableError') return 'The microphone is busy in another program or cannot be opened.';
  return 'The microphone could not be opened.';
}

export const stopTracks = (stream: MediaStream): void => stream.getTracks().forEach((track) => track.stop());
