import { DEADLINE_PASSED, signEnvelope, verifyEnvelope, ENVELOPE_HEADERS } from './envelope';

const secret = 'test-secret';
const viewer = { id: 'u1', role: 'USER' as const, plan: 'FREE' as const };
const body = JSON.stringify({ query: '{ me { id } }' });

describe('gateway envelope', () => {
  const now = 1_700_000_000_000;
  const headers = signEnvelope(secret, { viewer, requestId: 'r1', timestamp: now, body, nonce: 'n1' });

  it('accepts a fresh, untouched request and returns the viewer', () => {
    expect(verifyEnvelope(secret, headers, body, now + 1000)).toEqual({ ok: true, viewer, requestId: 'r1', nonce: 'n1', timestamp: now, deadline: null });
  });

  it('accepts an anonymous request', () => {
    const anon = signEnvelope(secret, { viewer: null, requestId: 'r2', timestamp: now, body, nonce: 'n2' });
    expect(verifyEnvelope(secret, anon, body, now)).toEqual({ ok: true, viewer: null, requestId: 'r2', nonce: 'n2', timestamp: now, deadline: null });
  });

  it('refuses a missing signature', () => {
    expect(verifyEnvelope(secret, {}, body, now)).toEqual({ ok: false, reason: 'missing gateway signature' });
  });

  it('refuses a different body (signature replayed for another operation)', () => {
    expect(verifyEnvelope(secret, headers, body.replace('me', 'you'), now).ok).toBe(false);
  });

  it('refuses an escalated viewer', () => {
    const forged = { ...headers, [ENVELOPE_HEADERS.viewer]: Buffer.from(JSON.stringify({ ...viewer, role: 'ADMIN' })).toString('base64url') };
    expect(verifyEnvelope(secret, forged, body, now)).toEqual({ ok: false, reason: 'invalid gateway signature' });
  });

  it('signs a fresh random nonce into every envelope unless one is given', () => {
    const first = signEnvelope(secret, { viewer, requestId: 'r3', timestamp: now, body });
    const second = signEnvelope(secret, { viewer, requestId: 'r3', timestamp: now, body });
    expect(first[ENVELOPE_HEADERS.nonce]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first[ENVELOPE_HEADERS.nonce]).not.toBe(second[ENVELOPE_HEADERS.nonce]);
    expect(first[ENVELOPE_HEADERS.signature]).not.toBe(second[ENVELOPE_HEADERS.signature]);
  });

  it('refuses an envelope without a nonce or with another nonce than the one signed', () => {
    const { [ENVELOPE_HEADERS.nonce]: _dropped, ...withoutNonce } = headers;
    expect(verifyEnvelope(secret, withoutNonce, body, now)).toEqual({ ok: false, reason: 'missing gateway signature' });
    expect(verifyEnvelope(secret, { ...headers, [ENVELOPE_HEADERS.nonce]: 'n9' }, body, now)).toEqual({ ok: false, reason: 'invalid gateway signature' });
  });

  it('refuses a stale timestamp and a wrong secret', () => {
    expect(verifyEnvelope(secret, headers, body, now + 120_000)).toEqual({ ok: false, reason: 'stale gateway signature' });
    expect(verifyEnvelope('other', headers, body, now).ok).toBe(false);
  });

  describe('deadline', () => {
    const until = now + 5_000;
    const timed = signEnvelope(secret, { viewer, requestId: 'r4', timestamp: now, body, nonce: 'n4', deadline: until });

    it('is accepted up to the deadline and returned with the viewer', () => {
      expect(timed[ENVELOPE_HEADERS.deadline]).toBe(String(until));
      expect(verifyEnvelope(secret, timed, body, until)).toEqual({ ok: true, viewer, requestId: 'r4', nonce: 'n4', timestamp: now, deadline: until });
    });

    it('is refused once the deadline has passed, well within the skew window, and says so', () => {
      expect(verifyEnvelope(secret, timed, body, until + 1)).toEqual({ ok: false, reason: DEADLINE_PASSED, expired: true });
    });

    it('is covered by the signature: a later deadline, or none, does not verify', () => {
      expect(verifyEnvelope(secret, { ...timed, [ENVELOPE_HEADERS.deadline]: String(until + 60_000) }, body, until + 1)).toEqual({ ok: false, reason: 'invalid gateway signature' });
      const { [ENVELOPE_HEADERS.deadline]: _dropped, ...withoutDeadline } = timed;
      expect(verifyEnvelope(secret, withoutDeadline, body, now)).toEqual({ ok: false, reason: 'invalid gateway signature' });
    });

    it('does not tell a forged envelope that its deadline passed', () => {
      expect(verifyEnvelope('other', timed, body, until + 1)).toEqual({ ok: false, reason: 'invalid gateway signature' });
    });
  });
});
