/**
 * A graphql-ws `subscribe` message carries its own envelope (in `payload.extensions`), signed
 * over the operation it starts, so a captured handshake or subscribe message cannot start any
 * other operation. The signed bytes are this canonical form of the operation, which both sides
 * rebuild from the message: JSON round-trips the query and variables unchanged.
 */
export const OPERATION_ENVELOPE_EXTENSION = 'wavegraphEnvelope';

export function operationBody(query: string, variables: Readonly<Record<string, unknown>> | null | undefined): string {
  return JSON.stringify({ query, variables: variables ?? {} });
}
