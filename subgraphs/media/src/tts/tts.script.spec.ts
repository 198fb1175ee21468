import { badInput } from '@wavegraph/kit';
import { MAX_SCRIPT_CHARS, scriptSentences, validScript } from './tts.script';

describe('scripts', () => {
  it('splits paragraphs at blank lines and sentences inside them, keeping abbreviations whole', () => {
    const script = validScript('Dr. Smith arrived at 3 p.m. on Monday!\r\nWas it fun?\n\n\n  Yes... it was.  \n\n…');
    expect(scriptSentences(script, 'en-US')).toEqual([
      { text: 'Dr. Smith arrived at 3 p.m. on Monday!', paragraph: 0 },
      { text: 'Was it fun?', paragraph: 0 },
      { text: 'Yes... it was.', paragraph: 1 },
    ]);
  });

  it('still ends a sentence at a plain word that happens to be short', () => {
    expect(scriptSentences('I said no. Then I left.', 'en-US').map((s) => s.text)).toEqual(['I said no.', 'Then I left.']);
  });

  it('keeps plain text within the limit, without control characters', () => {
    expect(validScript('  Hello\u0007 there.\r\n')).toBe('Hello there.');
    expect(validScript('x'.repeat(MAX_SCRIPT_CHARS))).toHaveLength(MAX_SCRIPT_CHARS);
    expect(() => validScript('x'.repeat(MAX_SCRIPT_CHARS + 1))).toThrow(badInput(`The script is ${MAX_SCRIPT_CHARS + 1} characters long; at most ${MAX_SCRIPT_CHARS} are accepted`, 'script'));
    // angle brackets in prose are not markup
    expect(validScript('Three < four > two.')).toBe('Three < four > two.');
    expect(() => validScript('Hello <break time="1s"/>')).toThrow('plain text');
  });
});
