import { writeFile } from 'node:fs/promises';
import { runTool } from '../processing/ffmpeg';
import { localVoice, type TtsEngine, type TtsVoice, voiceId } from './tts.port';

const ESPEAK = process.env.ESPEAK_NG_PATH || 'espeak-ng';

/** A few of eSpeak NG's languages (it has about a hundred; these are the ones offered). */
const VOICES: readonly [string, string, string][] = [
  ['en-us', 'English (America)', 'en-US'],
  ['en-gb', 'English (Great Britain)', 'en-GB'],
  ['de', 'German', 'de-DE'],
  ['fr', 'French', 'fr-FR'],
  ['es', 'Spanish', 'es-ES'],
  ['it', 'Italian', 'it-IT'],
  ['nl', 'Dutch', 'nl-NL'],
];

/** eSpeak NG: formant synthesis, robotic but many languages. */
export const espeakEngine: TtsEngine = {
  name: 'espeak-ng',
  voices: VOICES.map(([voice, name, language]): TtsVoice => ({ id: voiceId('espeak-ng', voice), name: `eSpeak ${name}`, language, engine: 'espeak-ng' })),
  async speak(text, id, textFile, wavFile, signal) {
    await writeFile(textFile, text);
    await runTool(ESPEAK, ['-v', localVoice(id), '-f', textFile, '-w', wavFile], { signal });
  },
};
