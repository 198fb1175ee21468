import { ENVELOPE_HEADERS, OPERATION_ENVELOPE_EXTENSION, encodeViewer, operationBody, verifyEnvelope } from '@wavegraph/auth';
import { createSigner } from './signer';

const secret = 'signer-spec-secret';
const viewer = { id: 'u1', role: 'USER' as const, plan: 'FREE' as const };

describe('the gateway signer', () => {
  const signer = createSigner(secret);

  it('signs an HTTP request over its exact body, with a fresh nonce each time', () => {
    const body = JSON.stringify({ query: '{ me { id } }' });
    const first = signer.request(encodeViewer(viewer), 'r1', body);
    const again = signer.request(encodeViewer(viewer), 'r1', body);
    expect(verifyEnvelope(secret, first, body)).toMatchObject({ ok: true, viewer, requestId: 'r1' });
    expect(verifyEnvelope(secret, first, body.replace('me', 'you')).ok).toBe(false);
    expect(first[ENVELOPE_HEADERS.nonce]).not.toBe(again[ENVELOPE_HEADERS.nonce]);
  });

  it('signs the deadline it is given into an HTTP envelope; a request read after it is refused', () => {
    const body = JSON.stringify({ query: 'mutation { like }' });
    const deadline = Date.now() + 5_000;
    const signed = signer.request(encodeViewer(viewer), 'r2', body, deadline);
    expect(verifyEnvelope(secret, signed, body, deadline - 1)).toMatchObject({ ok: true, deadline });
    expect(verifyEnvelope(secret, signed, body, deadline + 1)).toEqual({ ok: false, reason: 'gateway deadline passed', expired: true });
  });

  it('signs a handshake over no operation, and a subscribe message over its query and variables only', () => {
    expect(verifyEnvelope(secret, signer.handshake(viewer), '')).toMatchObject({ ok: true, viewer });
    const query = 'subscription($c: String!) { pinged(channel: $c) { text } }';
    const envelope = signer.operation(viewer, query, { c: 'a' })[OPERATION_ENVELOPE_EXTENSION];
    expect(verifyEnvelope(secret, envelope, operationBody(query, { c: 'a' }))).toMatchObject({ ok: true, viewer });
    expect(verifyEnvelope(secret, envelope, operationBody(query, { c: 'b' }))).toEqual({ ok: false, reason: 'invalid gateway signature' });
    expect(verifyEnvelope(secret, envelope, '')).toEqual({ ok: false, reason: 'invalid gateway signature' });
  });

  it('stamps the time of signing (each retry or reconnect is fresh)', () => {
    let now = 1_000_000;
    const clocked = createSigner(secret, () => now);
    const early = clocked.request('', 'r', '');
    now += 90_000;
    expect(verifyEnvelope(secret, early, '', now)).toEqual({ ok: false, reason: 'stale gateway signature' });
    expect(verifyEnvelope(secret, clocked.request('', 'r', ''), '', now).ok).toBe(true);
  });
});
