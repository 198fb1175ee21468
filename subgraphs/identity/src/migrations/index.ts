import { CreateIdentitySchema1735689600000 } from './1735689600000-create-identity-schema';

/** Every committed migration, oldest first. */
export const migrations: Function[] = [CreateIdentitySchema1735689600000];
