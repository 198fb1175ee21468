import { CommandEngine } from './command.engine';
import type { SpeechEngine } from './engine.port';
import { PocketsphinxEngine } from './pocketsphinx.engine';

/**
 * MEDIA_TRANSCRIPT_ENGINE picks the recogniser:
 * - `pocketsphinx` (default): Debian's pocketsphinx_continuous, en-US; MEDIA_POCKETSPHINX_COMMAND,
 *   MEDIA_POCKETSPHINX_ARGS (space-separated, e.g. another -hmm/-lm/-dict), MEDIA_TRANSCRIPT_CHUNK_SECONDS (60).
 * - `command`: MEDIA_TRANSCRIPT_COMMAND as a JSON array (`["whisper-cli","-l","{language}","{input}"]`),
 *   MEDIA_TRANSCRIPT_LANGUAGES (comma-separated BCP 47 tags), MEDIA_TRANSCRIPT_ENGINE_NAME (stored as the engine, default `command`).
 */
export function speechEngineFromEnv(env: NodeJS.ProcessEnv = process.env): SpeechEngine {
  const kind = env.MEDIA_TRANSCRIPT_ENGINE || 'pocketsphinx';
  if (kind === 'pocketsphinx') {
    const chunkSeconds = Number(env.MEDIA_TRANSCRIPT_CHUNK_SECONDS || 60);
    if (!(chunkSeconds >= 5)) throw new Error('MEDIA_TRANSCRIPT_CHUNK_SECONDS must be 5 or more');
    return new PocketsphinxEngine({
      command: env.MEDIA_POCKETSPHINX_COMMAND || undefined,
      args: (env.MEDIA_POCKETSPHINX_ARGS ?? '').split(/\s+/).filter(Boolean),
      chunkSeconds,
    });
  }
  if (kind === 'command') {
    let argv: unknown;
    try {
      argv = JSON.parse(env.MEDIA_TRANSCRIPT_COMMAND ?? '');
    } catch {
      argv = null;
    }
    if (!Array.isArray(argv) || !argv.length || !argv.every((part) => typeof part === 'string')) {
      throw new Error('MEDIA_TRANSCRIPT_COMMAND must be a JSON array of strings, e.g. ["my-asr","--lang","{language}","{input}"]');
    }
    const languages = (env.MEDIA_TRANSCRIPT_LANGUAGES ?? '').split(',').map((tag) => tag.trim()).filter(Boolean);
    if (!languages.length) throw new Error('MEDIA_TRANSCRIPT_LANGUAGES must name the languages the command handles');
    return new CommandEngine({ argv: argv as string[], languages, name: (env.MEDIA_TRANSCRIPT_ENGINE_NAME || 'command').slice(0, 64) });
  }
  throw new Error(`MEDIA_TRANSCRIPT_ENGINE must be pocketsphinx or command (got ${kind})`);
}
