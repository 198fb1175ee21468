import { encodeCursor } from '@wavegraph/kit';
import { toHighlightHtml, MARK_END, MARK_START } from './search.highlight';
import { encodeOffsetCursor, MAX_OFFSET, queryTerms, readOffsetCursor, toAnyWordTsQuery, toPrefixTsQuery, validQuery } from './search.query';

describe('search text handling', () => {
  it('turns free text into an AND query whose last word is a prefix', () => {
    expect(toPrefixTsQuery('Python')).toBe("'python':*");
    expect(toPrefixTsQuery('  deep   learning in pytho ')).toBe("'deep' & 'learning' & 'in' & 'pytho':*");
    expect(toPrefixTsQuery('São Paulo, 2024!')).toBe("'são' & 'paulo' & '2024':*");
  });

  it('keeps tsquery syntax typed by the user from reaching Postgres', () => {
    expect(toPrefixTsQuery("a' | b:* & !c <-> (d)")).toBe("'a' & 'b' & 'c' & 'd':*");
    expect(toPrefixTsQuery('!!! ??? ---')).toBeNull();
  });

  it('turns the same words into an OR query for transcript segments', () => {
    expect(toAnyWordTsQuery('  deep   learning in pytho ')).toBe("'deep' | 'learning' | 'in' | 'pytho':*");
    expect(toAnyWordTsQuery("a' | b:* & !c")).toBe("'a' | 'b' | 'c':*");
    expect(toAnyWordTsQuery('!!! ???')).toBeNull();
    expect(queryTerms('Deep learning, pytho')).toEqual(["'deep'", "'learning'", "'pytho':*"]);
    expect(queryTerms('---')).toBeNull();
  });

  it('trims the query and bounds it to 1..200 characters', () => {
    expect(validQuery('  hi  ')).toBe('hi');
    expect(validQuery('x'.repeat(200))).toHaveLength(200);
    expect(() => validQuery(' \n ')).toThrow('query must not be empty');
    expect(() => validQuery('x'.repeat(201))).toThrow('at most 200');
  });

  it('reads back the offsets it encodes and refuses anything else', () => {
    expect(readOffsetCursor(null)).toBe(0);
    expect(readOffsetCursor(encodeOffsetCursor(40))).toBe(40);
    expect(() => readOffsetCursor(encodeOffsetCursor(MAX_OFFSET + 1))).toThrow('not a valid cursor');
    expect(() => readOffsetCursor(encodeCursor(['1.5']))).toThrow('not a valid cursor');
    expect(() => readOffsetCursor(encodeCursor(['2', '3']))).toThrow('not a valid cursor');
  });

  it('escapes the text of a highlight and keeps only its own marks', () => {
    expect(toHighlightHtml(`a <script>&"'${MARK_START}x${MARK_END}`)).toBe('a &lt;script&gt;&amp;&quot;&#39;<mark>x</mark>');
    expect(toHighlightHtml(null)).toBeNull();
  });
});
