import { espeakEngine } from './espeak.engine';
import { fliteEngine } from './flite.engine';
import type { TtsEngine, TtsVoice } from './tts.port';

/** Every adapter Wavegraph ships, by the name MEDIA_TTS_ENGINES uses. */
const ADAPTERS: Record<string, TtsEngine> = { flite: fliteEngine, 'espeak-ng': espeakEngine };

/** The engines an operator enabled, and their voices by id. */
export class TtsEngines {
  private readonly byVoice = new Map<string, { engine: TtsEngine; voice: TtsVoice }>();

  constructor(readonly engines: readonly TtsEngine[]) {
    for (const engine of engines) for (const voice of engine.voices) this.byVoice.set(voice.id, { engine, voice });
  }

  voices(): TtsVoice[] {
    return this.engines.flatMap((engine) => engine.voices);
  }

  find(id: string): { engine: TtsEngine; voice: TtsVoice } | undefined {
    return this.byVoice.get(id);
  }
}

/** MEDIA_TTS_ENGINES: comma-separated engine names, default `flite,espeak-ng`; empty turns text-to-speech off. */
export function ttsEnginesFromEnv(): TtsEngines {
  const names = (process.env.MEDIA_TTS_ENGINES ?? 'flite,espeak-ng').split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) if (!ADAPTERS[name]) throw new Error(`MEDIA_TTS_ENGINES: unknown engine ${name} (known: ${Object.keys(ADAPTERS).join(', ')})`);
  return new TtsEngines(names.map((name) => ADAPTERS[name]));
}
