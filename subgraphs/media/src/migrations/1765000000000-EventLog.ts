import { eventLogMigration } from '@wavegraph/events';

/** Recovery from lost transport state: its outbox becomes the durable, numbered log consumers recover from; it records what it has seen of each producer's log. */
export const EventLog1765000000000 = eventLogMigration({ produces: true, consumes: true });
