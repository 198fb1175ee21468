import { dropStaleTestDatabases } from '../packages/testkit/src/database';

// Each suite creates and drops its own databases; this clears what runs that died left behind.
export default dropStaleTestDatabases;
