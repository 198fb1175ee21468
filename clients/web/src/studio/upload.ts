import { Upload } from 'tus-js-client';

export interface UploadTarget {
  uploadUrl: string;
  endpoint: string;
  chunkSize: number | null;
  token: string;
}

export interface UploadCallbacks {
  onProgress(sent: number, total: number): void;
  onSuccess(): void;
  /** After the retries ran out; `start()` on the returned upload resumes from the server's offset. */
  onError(error: Error): void;
}

/**
 * Sends a file to the tus upload createUpload made. tus-js-client asks the server for its offset
 * (HEAD) before each attempt, so a dropped connection resumes where the bytes stopped, retried on
 * the delays below, and a later start() does the same.
 */
export function startUpload(file: File, target: UploadTarget, callbacks: UploadCallbacks): Upload {
  const upload = new Upload(file, {
    endpoint: target.endpoint,
    uploadUrl: target.uploadUrl,
    headers: { 'x-upload-token': target.token },
    ...(target.chunkSize ? { chunkSize: target.chunkSize } : {}),
    retryDelays: [0, 1_000, 3_000, 5_000, 10_000, 20_000],
    // the upload is the server's, made by createUpload: nothing to look up in localStorage
    storeFingerprintForResuming: false,
    metadata: { filename: file.name, filetype: file.type },
    onProgress: callbacks.onProgress,
    onSuccess: callbacks.onSuccess,
    onError: callbacks.onError,
  });
  upload.start();
  return upload;
}
