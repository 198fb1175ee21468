import type { DataSource, EntityManager } from 'typeorm';
import { BillingCustomer } from './customer.entity';

/** Which Stripe customer is which user. */
export class CustomerRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByUserId(userId: string): Promise<BillingCustomer | null> {
    return this.dataSource.getRepository(BillingCustomer).findOneBy({ userId: userId.toLowerCase() });
  }

  /** The user a Stripe customer belongs to, or null for a customer Wavegraph did not create. */
  async userOf(tx: EntityManager, stripeCustomerId: string): Promise<string | null> {
    const row = await tx.getRepository(BillingCustomer).findOneBy({ stripeCustomerId });
    return row?.userId ?? null;
  }

  /** Keeps the first customer recorded for the user (a concurrent checkout's loses) and returns it. */
  async remember(userId: string, stripeCustomerId: string): Promise<BillingCustomer> {
    const id = userId.toLowerCase();
    await this.dataSource.query('INSERT INTO billing_customers (user_id, stripe_customer_id) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [id, stripeCustomerId]);
    return this.dataSource.getRepository(BillingCustomer).findOneByOrFail({ userId: id });
  }
}
