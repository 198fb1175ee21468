import { requireViewer } from '@wavegraph/kit';
import { Ctx, Query, Resolver } from 'type-graphql';
import type { MediaContext } from '../services';
import { UploadQuota } from './quota.types';

@Resolver(() => UploadQuota)
export class QuotaResolver {
  @Query(() => UploadQuota, { description: 'Signed in: the viewer’s upload usage and their plan’s caps, for a studio to show before an upload is refused' })
  async myUploadQuota(@Ctx() ctx: MediaContext): Promise<UploadQuota> {
    const viewer = requireViewer(ctx);
    const { quotas } = ctx.services;
    const limits = quotas.limitsFor(viewer);
    const used = await quotas.usage(viewer.id);
    return { plan: viewer.plan, ...used, limits, largestUploadBytes: quotas.largestUpload(limits, used) };
  }
}
