import { readFileSync } from 'node:fs';
import { configFromEnv, DEFAULT_SUPERGRAPH_PATH } from '../config';
import { costModelOf } from '../cost';
import { queryLimitRules } from '../limits';
import { prepareOperation, type OperationChecks } from './operation';
import { SubscriptionPlanner } from './planner';

const sdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
const config = configFromEnv();
const QUERY = 'subscription($e: ID!) { commentAdded(episodeId: $e) { id body author { handle } } }';

function checks(): OperationChecks {
  return { config, limitRules: queryLimitRules(config), costModel: costModelOf(sdl, config.cost.defaultListSize), viewer: null };
}

describe('preparing subscriptions', () => {
  it('parses and validates a document once for every subscriber that sends it, each holding the same AST', () => {
    const planner = new SubscriptionPlanner(sdl);
    const validate = jest.spyOn(planner, 'validate');
    const first = prepareOperation(planner, { query: QUERY, variables: { e: '1' } }, checks());
    const second = prepareOperation(planner, { query: QUERY, variables: { e: '2' } }, checks());
    if ('errors' in first || 'errors' in second) throw new Error('expected both to be prepared');
    expect(second.document).toBe(first.document);
    expect(second.variables).toEqual({ e: '2' });
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('still checks each subscriber’s variables against the shared document', () => {
    const planner = new SubscriptionPlanner(sdl);
    expect('errors' in prepareOperation(planner, { query: QUERY, variables: { e: '1' } }, checks())).toBe(false);
    const missing = prepareOperation(planner, { query: QUERY, variables: {} }, checks());
    expect('errors' in missing && missing.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an invalid document the same way each time it is sent', () => {
    const planner = new SubscriptionPlanner(sdl);
    const typo = 'subscription($e: ID!) { commentAdded(episodeId: $e) { bodi } }';
    for (let i = 0; i < 2; i += 1) {
      const refused = prepareOperation(planner, { query: typo, variables: { e: '1' } }, checks());
      expect('errors' in refused && refused.errors.map((e) => e.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });
});
