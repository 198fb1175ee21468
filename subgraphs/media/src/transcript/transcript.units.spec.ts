import { CommandEngine, parseCommandOutput } from './command.engine';
import { supports } from './engine.port';
import { speechEngineFromEnv } from './engine.factory';
import { PocketsphinxEngine } from './pocketsphinx.engine';
import { chunkBounds } from './pocketsphinx.engine';
import { parsePocketsphinx } from './pocketsphinx.output';
import { segmentWords, spreadWords } from './segmenting';
import { parseTranscriptFile, toPodcastJson, toSrt, toVtt, TranscriptFileError } from './transcript.formats';

const word = (text: string, start: number, end: number, confidence = 0.9) => ({ text, start, end, confidence });

describe('pocketsphinx output', () => {
  it('keeps timed words, drops utterance marks and fillers, strips alternate pronunciations, and adds the chunk offset', () => {
    const stdout = [
      'hello world the test',
      '<s> 0.080 0.150 0.999600',
      'hello(2) 0.160 0.590 0.999600',
      '<sil> 0.600 0.700 1.000000',
      '[NOISE] 0.700 0.800 0.5',
      '++BREATH++ 0.800 0.850 0.5',
      'world 0.860 1.120 0.999700',
      'the 1.130 1.390 0.991932',
      'test 1.400 1.530 3.2e-05',
      '</s> 2.070 2.510 1.000000',
    ].join('\n');
    expect(parsePocketsphinx(stdout, 60)).toEqual([
      word('hello', 60.16, 60.59, 0.9996),
      word('world', 60.86, 61.12, 0.9997),
      word('the', 61.13, 61.39, 0.991932),
      word('test', 61.4, 61.53, 0.000032),
    ]);
  });
});

describe('segments', () => {
  it('start a new segment after a pause over 0.6 s or once a segment would pass 12 s', () => {
    const words = [word('a', 0, 0.5), word('b', 0.6, 1), word('c', 1.7, 2), ...Array.from({ length: 30 }, (_, i) => word(`w${i}`, 2.1 + i * 0.5, 2.5 + i * 0.5))];
    const segments = segmentWords(words);
    expect(segments[0]).toMatchObject({ start: 0, end: 1, text: 'a b' });
    expect(segments[1].text.startsWith('c w0')).toBe(true);
    for (const segment of segments) expect(segment.end - segment.start).toBeLessThanOrEqual(12);
    expect(segments.flatMap((s) => s.words)).toEqual(words);
  });

  it('spreads words of untimed text over the segment by their length', () => {
    expect(spreadWords('aa b c', 10, 12)).toEqual([word('aa', 10, 11, 1), word('b', 11, 11.5, 1), word('c', 11.5, 12, 1)]);
  });

  it('cuts long audio at the quietest frame near each chunk end', () => {
    const energy = Array.from({ length: 1000 }, (_, i) => (i === 280 || i === 560 ? 0 : 100));
    expect(chunkBounds(energy, 300)).toEqual([[0, 280], [280, 560], [560, 860], [860, 1000]]);
    expect(chunkBounds([1, 2, 3], 300)).toEqual([[0, 3]]);
  });
});

describe('transcript files', () => {
  const segments = [
    { start: 0.5, end: 2.25, text: 'Hello & welcome <everyone>', speaker: 'Ana', words: [] },
    { start: 3661.001, end: 3662, text: 'An hour later', speaker: null, words: [] },
  ];

  it('writes WebVTT, SRT and Podcasting 2.0 JSON', () => {
    expect(toVtt(segments)).toBe('WEBVTT\n\n00:00:00.500 --> 00:00:02.250\n<v Ana>Hello &amp; welcome &lt;everyone&gt;\n\n01:01:01.001 --> 01:01:02.000\nAn hour later\n');
    expect(toSrt(segments)).toBe('1\n00:00:00,500 --> 00:00:02,250\nAna: Hello & welcome <everyone>\n\n2\n01:01:01,001 --> 01:01:02,000\nAn hour later\n');
    expect(JSON.parse(toPodcastJson(segments))).toEqual({
      version: '1.0.0',
      segments: [{ speaker: 'Ana', startTime: 0.5, endTime: 2.25, body: 'Hello & welcome <everyone>' }, { startTime: 3661.001, endTime: 3662, body: 'An hour later' }],
    });
  });

  it('reads back what it wrote, speaker and text unescaped', () => {
    expect(parseTranscriptFile(toVtt(segments), 'VTT').map(({ start, end, text, speaker }) => ({ start, end, text, speaker }))).toEqual(
      segments.map(({ start, end, text, speaker }) => ({ start, end, text, speaker })),
    );
    expect(parseTranscriptFile(toSrt(segments), 'SRT').map((s) => [s.start, s.end])).toEqual([[0.5, 2.25], [3661.001, 3662]]);
  });

  it('refuses a malformed WebVTT file with the line at fault', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000 --> 00:00:0x.000\nbroken\n';
    expect(() => parseTranscriptFile(vtt, 'VTT')).toThrow(TranscriptFileError);
    try {
      parseTranscriptFile(vtt, 'VTT');
    } catch (error) {
      expect((error as TranscriptFileError).line).toBe(6);
    }
    expect(() => parseTranscriptFile('00:00:01.000 --> 00:00:02.000\nno header\n', 'VTT')).toThrow(/^line 1:/);
  });

  it('faults a mistyped timing line itself, not the text after it', () => {
    expect(() => parseTranscriptFile('WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nbroken\n', 'VTT')).toThrow(/^line 3:/);
  });

  it('refuses a malformed SRT file with the line of the uploaded file', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> 00:00:04,000\nbroken\n';
    expect(() => parseTranscriptFile(srt, 'SRT')).toThrow(/^line 6:/);
  });
});

describe('command engine output', () => {
  it('accepts timed words or segments and refuses anything else', () => {
    expect(parseCommandOutput(JSON.stringify({ words: [{ text: 'hi', start: 0.1, end: 0.4, confidence: 0.8 }, { text: 'there', start: 2, end: 2.5 }] }))).toEqual([
      { start: 0.1, end: 0.4, text: 'hi', words: [word('hi', 0.1, 0.4, 0.8)] },
      { start: 2, end: 2.5, text: 'there', words: [word('there', 2, 2.5, 1)] },
    ]);
    expect(parseCommandOutput(JSON.stringify({ segments: [{ start: 1, end: 3, text: 'ab c', speaker: 'B' }] }))).toEqual([
      { start: 1, end: 3, text: 'ab c', speaker: 'B', words: spreadWords('ab c', 1, 3) },
    ]);
    expect(() => parseCommandOutput('not json')).toThrow('printed no JSON');
    expect(() => parseCommandOutput('{"words":[{"text":"x"}]}')).toThrow('unexpected JSON');
  });
});

describe('engine configuration', () => {
  it('is pocketsphinx (en-US) by default, or a command of the operator with its languages', () => {
    const pocketsphinx = speechEngineFromEnv({});
    expect(pocketsphinx).toBeInstanceOf(PocketsphinxEngine);
    expect([supports(pocketsphinx, 'en-us'), supports(pocketsphinx, 'fr-FR')]).toEqual([true, false]);
    const command = speechEngineFromEnv({ MEDIA_TRANSCRIPT_ENGINE: 'command', MEDIA_TRANSCRIPT_COMMAND: '["asr","{input}"]', MEDIA_TRANSCRIPT_LANGUAGES: 'de-DE, fr-FR', MEDIA_TRANSCRIPT_ENGINE_NAME: 'whisper' });
    expect(command).toBeInstanceOf(CommandEngine);
    expect([command.name, command.languages]).toEqual(['whisper', ['de-DE', 'fr-FR']]);
  });

  it('refuses settings it cannot run', () => {
    expect(() => speechEngineFromEnv({ MEDIA_TRANSCRIPT_ENGINE: 'vosk' })).toThrow('MEDIA_TRANSCRIPT_ENGINE must be pocketsphinx or command');
    expect(() => speechEngineFromEnv({ MEDIA_TRANSCRIPT_ENGINE: 'command', MEDIA_TRANSCRIPT_COMMAND: 'asr {input}', MEDIA_TRANSCRIPT_LANGUAGES: 'en-US' })).toThrow('JSON array');
    expect(() => speechEngineFromEnv({ MEDIA_TRANSCRIPT_ENGINE: 'command', MEDIA_TRANSCRIPT_COMMAND: '["asr"]' })).toThrow('MEDIA_TRANSCRIPT_LANGUAGES');
    expect(() => speechEngineFromEnv({ MEDIA_TRANSCRIPT_CHUNK_SECONDS: '1' })).toThrow('MEDIA_TRANSCRIPT_CHUNK_SECONDS');
  });
});
