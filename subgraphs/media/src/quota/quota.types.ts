import { PLANS, type Plan } from '@wavegraph/auth';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

/** identity's `Plan`, with the same values (from the shared list), so the supergraph has one enum. */
export const PlanEnum = Object.fromEntries(PLANS.map((p) => [p, p])) as { [K in Plan]: K };
registerEnumType(PlanEnum, { name: 'Plan' });

@ObjectType('UploadQuotaLimits', { description: 'The caps of the viewer’s plan; null means no cap (staff have none)' })
export class UploadQuotaLimits {
  @Field(() => Int, { nullable: true, description: 'Uploads in progress at once' })
  pendingUploads: number | null;

  @Field(() => Float, { nullable: true, description: 'Bytes declared by uploads in progress' })
  pendingBytes: number | null;

  @Field(() => Float, { nullable: true, description: 'Source bytes stored and in progress together' })
  storedBytes: number | null;
}

@ObjectType('UploadQuota', { description: 'What the viewer’s uploads hold against their plan’s caps (the uploads they created themselves)' })
export class UploadQuota {
  @Field(() => PlanEnum)
  plan: Plan;

  @Field(() => Int, { description: 'Uploads created and neither finished, expired, cancelled nor rejected' })
  pendingUploads: number;

  @Field(() => Float, { description: 'The declared sizes of those uploads' })
  pendingBytes: number;

  @Field(() => Float, { description: 'Sizes of finished uploads whose media is not deleted' })
  storedBytes: number;

  @Field(() => UploadQuotaLimits)
  limits: UploadQuotaLimits;

  @Field(() => Float, { description: 'The largest sizeBytes createUpload accepts right now (0 while no upload may start)' })
  largestUploadBytes: number;
}
