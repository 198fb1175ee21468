import { badInput } from '@wavegraph/kit';

/** About 25 minutes of speech; a longer programme is several episodes, or an upload. */
export const MAX_SCRIPT_CHARS = 20_000;

/** One sentence to speak, and the paragraph it belongs to (a longer pause comes between paragraphs). */
export interface ScriptSentence {
  text: string;
  paragraph: number;
}

// markup would be read out character by character: the script is plain text
const MARKUP = /<\/?[a-z][\w:-]*(\s[^<>]*)?\/?>/i;
// control characters other than tab and newline carry nothing to say
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const SPEAKABLE = /[\p{L}\p{N}]/u;

/**
 * The script as it will be kept: line endings made `\n`, control characters dropped, trimmed;
 * refused (BAD_USER_INPUT on `script`) when empty, longer than MAX_SCRIPT_CHARS, markup (SSML or
 * HTML) or without anything to say.
 */
export function validScript(script: string): string {
  const text = script.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
  if (text.length === 0) throw badInput('The script is empty', 'script');
  if (text.length > MAX_SCRIPT_CHARS) throw badInput(`The script is ${text.length} characters long; at most ${MAX_SCRIPT_CHARS} are accepted`, 'script');
  if (MARKUP.test(text)) throw badInput('The script must be plain text: markup such as SSML or HTML tags is not supported', 'script');
  if (!SPEAKABLE.test(text)) throw badInput('The script has no words to speak', 'script');
  return text;
}

/**
 * Abbreviations after which Unicode's sentence rules (Intl.Segmenter, ICU) break although the
 * sentence goes on. Our own short list: the libraries that know more (sbd) bring an HTML
 * sanitiser with them, and ICU's own suppressions (`-u-ss-standard`) are not in Node's ICU.
 */
const ABBREVIATION = /(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|St|Mt|Jr|Sr|vs|etc|e\.g|i\.e|a\.m|p\.m|Fig|approx|z\.B|bzw|Mme|Sra?)\.$/;

/**
 * Paragraphs are separated by blank lines; a paragraph's lines are one text. Sentences come from
 * the platform's Unicode sentence segmentation in the voice's language, a break after one of the
 * abbreviations above undone; pieces with nothing to say (a lone "…") are left out.
 */
export function scriptSentences(script: string, language: string): ScriptSentence[] {
  const segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
  const paragraphs = script.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const sentences: ScriptSentence[] = [];
  for (const [paragraph, text] of paragraphs.entries()) {
    let pending = '';
    for (const { segment } of segmenter.segment(text)) {
      pending += segment;
      const sentence = pending.trim();
      if (ABBREVIATION.test(sentence)) continue;
      pending = '';
      if (SPEAKABLE.test(sentence)) sentences.push({ text: sentence, paragraph });
    }
    if (SPEAKABLE.test(pending)) sentences.push({ text: pending.trim(), paragraph });
  }
  return sentences;
}
