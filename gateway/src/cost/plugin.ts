import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { CostBudgets } from '../config';
import type { GatewayContext } from '../context';
import { overBudget } from './budget';
import type { CostModel } from './model';

/**
 * Refuses an HTTP operation over the caller's cost budget once it is parsed and validated, before
 * the gateway plans it or calls any subgraph. `model()` is the model of the supergraph served now.
 */
export function demandControlPlugin(model: () => CostModel | undefined, budgets: CostBudgets): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, contextValue }) {
          const current = model();
          // the model is built from the same supergraph as the schema; without one, refuse rather than run unpriced
          if (!current) throw new GraphQLError('The gateway cannot price operations yet', { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
          const refusal = overBudget(current, budgets, contextValue.viewer, { document, operationName, variables: request.variables });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
