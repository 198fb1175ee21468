/** A voice as clients pick it: `id` is `<engine>:<voice>`, e.g. `flite:slt`. */
export interface TtsVoice {
  id: string;
  name: string;
  /** BCP 47 tag of what the voice speaks, e.g. en-US; the script's timings carry it. */
  language: string;
  engine: string;
}

/**
 * A text-to-speech engine that runs here (a command-line synthesiser). Operators choose the
 * engines by configuration (MEDIA_TTS_ENGINES); another engine is another adapter of this port.
 */
export interface TtsEngine {
  readonly name: string;
  readonly voices: readonly TtsVoice[];
  /**
   * Speaks `text` (one sentence of plain text) with the voice whose id is `voiceId` into a
   * 16-bit PCM WAV file; the text goes through a file, never the command line.
   */
  speak(text: string, voiceId: string, textFile: string, wavFile: string, signal?: AbortSignal): Promise<void>;
}

export const voiceId = (engine: string, voice: string): string => `${engine}:${voice}`;
/** The engine's own name of a voice (`slt` of `flite:slt`). */
export const localVoice = (id: string): string => id.slice(id.indexOf(':') + 1);
