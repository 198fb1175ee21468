import { eventLogMigration } from '@wavegraph/events';

/** Recovery from lost transport state: it records what it has seen of each producer's log. */
export const EventLog1765000000000 = eventLogMigration({ produces: false, consumes: true });
