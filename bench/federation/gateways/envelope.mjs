// The one thing added to the baseline gateways in the Wavegraph shape: Wavegraph's subgraphs
// answer only requests signed by a gateway (packages/auth, envelope v2 with a once-only nonce),
// so each baseline signs the exact body it sends, as Wavegraph's gateway does in
// gateway/src/subgraph/signed-fetch.ts. The caller is sent as anonymous: the baselines do not
// verify tokens, and the bench's queries read nothing that depends on who asks.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ENVELOPE_HEADERS, signEncodedEnvelope } = require('../../../packages/auth/dist/index.js');

/** The signing secret (BENCH_SIGN_SECRET), or null in the synthetic shape, whose subgraphs check nothing. */
export const signingSecret = () => process.env.BENCH_SIGN_SECRET || null;

/** Envelope headers for one subgraph request with this exact body. */
export function envelopeHeaders(secret, body) {
  if (typeof body !== 'string') throw new Error(`cannot sign a subgraph request whose body is not a string (${typeof body})`);
  return signEncodedEnvelope(secret, '', randomUUID(), Date.now(), body);
}

export { ENVELOPE_HEADERS };
