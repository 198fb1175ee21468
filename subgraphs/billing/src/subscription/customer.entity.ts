import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one Stripe customer of a user, created at their first checkout. */
@Entity('billing_customers')
export class BillingCustomer {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'stripe_customer_id' })
  stripeCustomerId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
