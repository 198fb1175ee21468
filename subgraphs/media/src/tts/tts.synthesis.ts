import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { WaveFile } from 'wavefile';
import type { ScriptSentence } from './tts.script';
import type { TtsEngine, TtsVoice } from './tts.port';

/** Silence between two sentences, and between two paragraphs: the rhythm of read-aloud text. */
export const SENTENCE_PAUSE_SECONDS = 0.3;
export const PARAGRAPH_PAUSE_SECONDS = 0.8;

export interface TimedSegment {
  startSeconds: number;
  endSeconds: number;
  text: string;
}

/** `outputs.scriptTimingsKey` points at this JSON: one segment per sentence, times of the synthesised audio. */
export interface ScriptTimings {
  language: string;
  segments: TimedSegment[];
}

export interface Speech {
  /** Signed 16-bit little-endian PCM, interleaved. */
  pcmFile: string;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
  timings: ScriptTimings;
}

const ms = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/** A WAV file's format and PCM bytes (wavefile reads the RIFF chunks; engines write 16-bit PCM). */
async function readPiece(file: string): Promise<{ sampleRate: number; channels: number; pcm: Uint8Array }> {
  const wav = new WaveFile(await readFile(file));
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; audioFormat: number };
  if (fmt.audioFormat !== 1 || wav.bitDepth !== '16') throw new Error(`the synthesiser wrote ${wav.bitDepth}-bit audio (format ${fmt.audioFormat}), not 16-bit PCM`);
  return { sampleRate: fmt.sampleRate, channels: fmt.numChannels, pcm: (wav.data as { samples: Uint8Array }).samples };
}

/**
 * Speaks the sentences one by one and appends them, with pauses, to one PCM file. Each
 * segment's times are counted in samples of what was actually written, so they are exact
 * whatever the engine's pace; progress is reported per sentence. Memory holds one sentence.
 */
export async function synthesizeSpeech(
  engine: TtsEngine,
  voice: TtsVoice,
  sentences: readonly ScriptSentence[],
  workDir: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Speech> {
  const pcmFile = path.join(workDir, 'speech.pcm');
  const out = await open(pcmFile, 'w');
  const segments: TimedSegment[] = [];
  let format: { sampleRate: number; channels: number } | undefined;
  let frames = 0;
  try {
    for (const [i, sentence] of sentences.entries()) {
      signal?.throwIfAborted();
      const wavFile = path.join(workDir, 'sentence.wav');
      await engine.speak(sentence.text, voice.id, path.join(workDir, 'sentence.txt'), wavFile, signal);
      const piece = await readPiece(wavFile);
      format ??= { sampleRate: piece.sampleRate, channels: piece.channels };
      if (piece.sampleRate !== format.sampleRate || piece.channels !== format.channels) throw new Error('the synthesiser changed its audio format within one script');
      const frameBytes = 2 * format.channels;
      if (i > 0) {
        const pause = sentence.paragraph !== sentences[i - 1].paragraph ? PARAGRAPH_PAUSE_SECONDS : SENTENCE_PAUSE_SECONDS;
        const silence = Math.round(pause * format.sampleRate);
        await out.write(Buffer.alloc(silence * frameBytes));
        frames += silence;
      }
      const start = frames / format.sampleRate;
      const whole = piece.pcm.length - (piece.pcm.length % frameBytes);
      await out.write(piece.pcm.subarray(0, whole));
      frames += whole / frameBytes;
      segments.push({ startSeconds: ms(start), endSeconds: ms(frames / format.sampleRate), text: sentence.text });
      onProgress((i + 1) / sentences.length);
    }
  } finally {
    await out.close();
  }
  if (!format || frames === 0) throw new Error('the synthesiser produced no audio');
  return { pcmFile, ...format, durationSeconds: frames / format.sampleRate, timings: { language: voice.language, segments } };
}
