export interface RawResponse {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }> };
}

/** A plain POST to the gateway, for requests the typed client cannot make (bad tokens, malformed queries). */
export async function postGraphQL(url: string, query: string, init: { token?: string; headers?: Record<string, string>; variables?: object } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables: init.variables }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RawResponse['body'] };
}

/** The error codes of a graphql-request ClientError (what a frontend sees from the typed client). */
export async function errorCodes(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    const errors = (error as { response?: { errors?: { extensions?: { code?: string } }[] } }).response?.errors ?? [];
    return errors.map((e) => e.extensions?.code ?? 'NO_CODE');
  }
  throw new Error('expected the operation to fail');
}
