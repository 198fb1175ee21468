import { isStaff } from '@wavegraph/auth';
import { forbidden, notFound, requireViewer, byKeys } from '@wavegraph/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { BillingContext } from '../services';
import { Saga, SagaStep } from './saga.entity';

const requireStaff = (ctx: BillingContext): void => {
  if (!isStaff(requireViewer(ctx))) throw forbidden('Billing sagas are for staff');
};

const MAX_SAGAS = 50;

@Resolver(() => Saga)
export class SagaResolver {
  @Query(() => Saga, { description: 'A billing saga by id, with its steps (staff only; NOT_FOUND for an unknown id)' })
  async billingSaga(@Arg('id', () => ID) id: string, @Ctx() ctx: BillingContext): Promise<Saga> {
    requireStaff(ctx);
    const [saga] = /^[0-9a-f-]{36}$/i.test(id) ? byKeys([id.toLowerCase()], await ctx.services.sagas.findByIds([id.toLowerCase()]), (s) => s.id) : [null];
    if (!saga) throw notFound('Billing saga');
    return saga;
  }

  @Directive(`@listSize(assumedSize: ${MAX_SAGAS}, slicingArguments: ["first"], requireOneSlicingArgument: false)`)
  @Query(() => [Saga], { description: "A user's billing sagas, newest first (staff only)" })
  billingSagas(
    @Arg('userId', () => ID) userId: string,
    @Arg('first', () => Int, { defaultValue: 10, description: `At most ${MAX_SAGAS}` }) first: number,
    @Ctx() ctx: BillingContext,
  ): Promise<Saga[]> {
    requireStaff(ctx);
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return Promise.resolve([]);
    return ctx.services.sagas.forUser(userId, Math.min(Math.max(first, 1), MAX_SAGAS));
  }

  @Directive('@listSize(assumedSize: 6)')
  @FieldResolver(() => [SagaStep], { description: 'In the order they ran' })
  steps(@Root() saga: Saga): SagaStep[] {
    return saga.steps.map((s) => Object.assign(new SagaStep(), { ...s, at: s.at ? new Date(s.at) : null }));
  }
}
