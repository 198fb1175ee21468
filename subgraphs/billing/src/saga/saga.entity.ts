import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum SagaKind {
  /** A payment went through: the user becomes PREMIUM (compensated by a refund if that cannot be). */
  ACTIVATE = 'ACTIVATE',
  /** Premium stopped (subscription ended or unpaid, refund, dispute): the user becomes FREE. */
  DOWNGRADE = 'DOWNGRADE',
}

export enum SagaStatus {
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  /** A step failed for good; the compensating steps are under way (retried until they succeed). */
  COMPENSATING = 'COMPENSATING',
  COMPENSATED = 'COMPENSATED',
}

export enum SagaStepStatus {
  PENDING = 'PENDING',
  DONE = 'DONE',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}

registerEnumType(SagaKind, { name: 'BillingSagaKind' });
registerEnumType(SagaStatus, { name: 'BillingSagaStatus' });
registerEnumType(SagaStepStatus, { name: 'BillingSagaStepStatus' });

@ObjectType('BillingSagaStep', { description: 'One step of a billing saga' })
export class SagaStep {
  @Field({ description: 'PAYMENT_RECORDED, PLAN_PREMIUM, PLAN_FREE, REFUND, CANCEL_SUBSCRIPTION' })
  name: string;

  @Field(() => SagaStepStatus)
  status: SagaStepStatus;

  @Field(() => String, { nullable: true, description: 'Why it failed (or was skipped), or the last error of a step being retried' })
  error: string | null;

  @Field(() => Date, { nullable: true, description: 'When it reached its status' })
  at: Date | null;
}

/** A multi-step change across contexts (billing → identity → notifications), with its compensation. */
@Entity('billing_sagas')
@ObjectType('BillingSaga', { description: 'A Premium activation or downgrade across billing and identity (staff only)' })
export class Saga {
  @PrimaryColumn('uuid')
  @Field(() => ID, { description: 'The id of the billing event that started it' })
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  @Field(() => SagaKind)
  kind: SagaKind;

  @Column('text')
  @Field({ description: 'The billing event that started it, e.g. billing.PaymentCompleted' })
  trigger: string;

  @Column('text', { name: 'payment_id', nullable: true })
  @Field(() => String, { nullable: true })
  paymentId: string | null;

  @Column('text', { name: 'stripe_subscription_id', nullable: true })
  stripeSubscriptionId: string | null;

  @Column('text')
  @Field(() => SagaStatus)
  status: SagaStatus;

  @Column('jsonb')
  steps: Array<{ name: string; status: SagaStepStatus; error: string | null; at: string | null }>;

  @Column('text', { nullable: true })
  @Field(() => String, { nullable: true, description: 'What went wrong last (a failed step, or a compensation being retried)' })
  error: string | null;

  @Column('integer')
  @Field({ description: 'Failed attempts at its current step' })
  attempts: number;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When a compensation Stripe failed is tried again (backing off, doubling each time); null when none is due' })
  nextAttemptAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  @Field(() => Date)
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  @Field(() => Date)
  updatedAt: Date;
}
