/** A recognised word, times in seconds from the start of the episode's audio. */
export interface TranscriptWord {
  text: string;
  start: number;
  end: number;
  /** 0..1, as the engine rates it (1 for text a person wrote). */
  confidence: number;
}

/** A sentence-ish run of words: what a caption cue or a transcript line shows. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  speaker?: string | null;
  words: TranscriptWord[];
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  /** 0..1 of the engine's work, as it goes. */
  onProgress?: (fraction: number) => void;
}

/**
 * A speech-to-text engine. `transcribe` reads a local audio file of any format ffmpeg reads
 * and gives timed segments; it throws when the engine fails (the caller decides whether that
 * is worth a retry). Which languages it knows is static, so an episode in another language is
 * recorded as unsupported without running anything.
 */
export interface SpeechEngine {
  /** Stored with the transcript (Transcript.engine). */
  readonly name: string;
  /** BCP 47 tags, compared case-insensitively. */
  readonly languages: readonly string[];
  transcribe(file: string, language: string, options?: TranscribeOptions): Promise<TranscriptSegment[]>;
}

export const supports = (engine: SpeechEngine, language: string): boolean => engine.languages.some((known) => known.toLowerCase() === language.toLowerCase());
