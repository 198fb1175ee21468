import { chaptersFromJson, ChaptersJsonError, MAX_CHAPTERS } from './chapters.json';
import { transcriptJsonToVtt, TranscriptJsonError } from './transcript.json';

describe('Podcasting 2.0 transcript JSON → WebVTT', () => {
  it('joins one-word segments of a speaker into cues, escapes text and keeps speakers as voices', () => {
    const vtt = transcriptJsonToVtt(JSON.stringify({
      version: '1.0.0',
      segments: [
        { speaker: 'Ada', startTime: 0.5, endTime: 0.9, body: 'Hello' },
        { speaker: 'Ada', startTime: 0.9, endTime: 1.4, body: 'and' },
        { speaker: 'Ada', startTime: 1.4, endTime: 2, body: 'welcome <everyone> & all' },
        { speaker: 'Grace', startTime: 2.1, endTime: 3.25, body: 'Thanks!' },
        // a long pause starts a new cue even for the same speaker
        { speaker: 'Grace', startTime: 9, endTime: 3725.5, body: 'Much later.' },
      ],
    }));
    expect(vtt).toBe([
      'WEBVTT',
      '',
      '00:00:00.500 --> 00:00:02.000',
      '<v Ada>Hello and welcome &lt;everyone&gt; &amp; all',
      '',
      '00:00:02.100 --> 00:00:03.250',
      '<v Grace>Thanks!',
      '',
      '00:00:09.000 --> 01:02:05.500',
      '<v Grace>Much later.',
      '',
    ].join('\n'));
  });

  it('sorts segments, drops ones without text or with impossible times, and splits long cues', () => {
    const words = Array.from({ length: 30 }, (_, i) => ({ startTime: i * 0.5, endTime: i * 0.5 + 0.5, body: `w${i}` }));
    const vtt = transcriptJsonToVtt(JSON.stringify({ segments: [{ startTime: 20, endTime: 19, body: 'backwards' }, { startTime: 1, endTime: 2, body: '  ' }, ...words.reverse()] }));
    const cues = vtt.split('\n\n').slice(1);
    expect(cues.length).toBeGreaterThan(1);
    expect(cues[0].startsWith('00:00:00.000 --> 00:00:08.000\nw0 w1')).toBe(true);
    expect(vtt).not.toContain('backwards');
  });

  it.each([
    ['malformed JSON', '{"segments": ['],
    ['no segments list', '{"version": "1.0.0"}'],
    ['no usable segment', '{"segments": [{"startTime": 1, "endTime": 1, "body": "x"}]}'],
  ])('refuses %s', (_label, content) => {
    expect(() => transcriptJsonToVtt(content)).toThrow(TranscriptJsonError);
  });
});

describe('JSON chapters → setEpisodeChapters input', () => {
  it('keeps valid chapters sorted, clips titles, drops bad links, silent and invalid entries and repeated starts', () => {
    const chapters = chaptersFromJson(JSON.stringify({
      version: '1.2.0',
      chapters: [
        { startTime: 60.12345, title: '  Second\n part ', url: 'https://example.com/2', img: 'ftp://example.com/x.png' },
        { startTime: 0, title: 'Intro', img: 'https://example.com/intro.jpg' },
        { startTime: 30, title: 'Art change', toc: false },
        { startTime: 60.123, title: 'Same start as the second' },
        { startTime: -1, title: 'Before the start' },
        { startTime: '90', title: 'A string start' },
        { startTime: 120 },
        { startTime: 150, title: 'x'.repeat(250), url: 'not a url' },
        'nonsense',
      ],
    }));
    expect(chapters).toEqual([
      { startSeconds: 0, title: 'Intro', url: null, imageUrl: 'https://example.com/intro.jpg' },
      { startSeconds: 60.123, title: 'Second part', url: 'https://example.com/2', imageUrl: null },
      { startSeconds: 150, title: 'x'.repeat(200), url: null, imageUrl: null },
    ]);
  });

  it('never cuts a title inside a surrogate pair, and caps the count at media\'s limit', () => {
    const [chapter] = chaptersFromJson(JSON.stringify({ chapters: [{ startTime: 0, title: `${'a'.repeat(199)}😀 tail` }] }));
    expect(chapter.title).toBe('a'.repeat(199));
    const many = chaptersFromJson(JSON.stringify({ chapters: Array.from({ length: 250 }, (_, i) => ({ startTime: 250 - i, title: `C${250 - i}` })) }));
    expect(many).toHaveLength(MAX_CHAPTERS);
    expect(many[0]).toMatchObject({ startSeconds: 1, title: 'C1' });
    expect(many.at(-1)).toMatchObject({ startSeconds: 200 });
  });

  it.each([['malformed JSON', '{"chapters": '], ['no chapters list', '{"version": "1.2.0"}']])('refuses %s', (_label, content) => {
    expect(() => chaptersFromJson(content)).toThrow(ChaptersJsonError);
  });
});
