import { eventLogMigration } from '@wavegraph/events';

/** Recovery from lost transport state: its outbox becomes the durable, numbered log consumers recover from. */
export const EventLog1765000000000 = eventLogMigration({ produces: true, consumes: false });
