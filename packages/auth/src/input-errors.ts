/**
 * The input field a GraphQL variable-coercion error is about, so a client gets `extensions.field`
 * for a bad enum value or scalar as it does for our own BAD_USER_INPUT: graphql-js only says it in
 * the message (`Variable "$input" got invalid value "CARS" at "input.category"; …`). The last
 * segment of the path, or the variable's name when the variable itself is the value.
 */
export function coercionField(message: string): string | undefined {
  const match = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)";/.exec(message) ?? /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (!match) return undefined;
  const path = match[2]?.split('.').filter((part) => !/^\[\d+\]$/.test(part));
  return path?.at(-1)?.replace(/\[\d+\]$/, '') ?? match[1];
}
