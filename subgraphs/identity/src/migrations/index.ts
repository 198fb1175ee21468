import { CreateIdentitySchema1735689600000 } from './1735689600000-create-identity-schema';
import { CreateIdentityOutbox1763800000000 } from './1763800000000-create-identity-outbox';
import { EventLog1765000000000 } from './1765000000000-event-log';
import { ConsumeBilling1766830100000 } from './1766830100000-consume-billing';

/** Every committed migration, oldest first. */
export const migrations: Function[] = [CreateIdentitySchema1735689600000, CreateIdentityOutbox1763800000000, EventLog1765000000000, ConsumeBilling1766830100000];
