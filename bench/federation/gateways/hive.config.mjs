// Hive Gateway's configuration file for the bench (given with --config-path). With
// BENCH_SIGN_SECRET set, its documented onFetch hook signs each subgraph request's exact body
// (see envelope.mjs); that is the only thing configured.
import { envelopeHeaders, signingSecret } from './envelope.mjs';

const secret = signingSecret();

export const gatewayConfig = {
  plugins: () =>
    secret
      ? [
          {
            onFetch({ options, setOptions }) {
              setOptions({ ...options, headers: { ...options.headers, ...envelopeHeaders(secret, options.body) } });
            },
          },
        ]
      : [],
};
