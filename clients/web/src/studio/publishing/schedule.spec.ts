import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { dueSoon, fromLocalInput, scheduleRefusal, toLocalInput, WATCH_BEFORE_MS } from './schedule';

describe('scheduling an episode from the studio', () => {
  it('reads and writes datetime-local values as local time, to the second', () => {
    const moment = new Date(2031, 4, 6, 7, 8, 9);
    expect(toLocalInput(moment)).toBe('2031-05-06T07:08:09');
    expect(fromLocalInput('2031-05-06T07:08:09')).toBe(moment.toISOString());
    expect(fromLocalInput('2031-05-06T07:08')).toBe(new Date(2031, 4, 6, 7, 8).toISOString());
  });

  it('takes an empty or malformed value for no time at all', () => {
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
    expect(fromLocalInput('2031-13-45T99:99')).toBeNull();
  });

  it('watches an episode from shortly before its time, and after it', () => {
    const now = Date.UTC(2031, 0, 1, 12);
    expect(dueSoon(new Date(now + WATCH_BEFORE_MS + 1000).toISOString(), now)).toBe(false);
    expect(dueSoon(new Date(now + 5000).toISOString(), now)).toBe(true);
    expect(dueSoon(new Date(now - 60_000).toISOString(), now)).toBe(true);
    expect(dueSoon(null, now)).toBe(false);
  });

  it("says why a time was refused in the API's words, naming the field as a person would", () => {
    const refused = new CombinedError({
      graphQLErrors: [new GraphQLError('publishAt must be in the future', { extensions: { code: 'BAD_USER_INPUT', field: 'publishAt' } })],
    });
    expect(scheduleRefusal(refused)).toBe('Not scheduled: the publish time must be in the future.');
    const other = new CombinedError({ graphQLErrors: [new GraphQLError('Episode is ARCHIVED and cannot be scheduled', { extensions: { code: 'BAD_USER_INPUT', field: 'id' } })] });
    expect(scheduleRefusal(other)).toBe('Episode is ARCHIVED and cannot be scheduled');
    expect(scheduleRefusal(undefined)).toBeNull();
  });
});
