import 'reflect-metadata';
import { createLogger, defaultDatabaseUrl, openDatabase } from '@wavegraph/kit';
import { identityModule } from '../index';
import { UserService } from '../user/user.service';
import { grantRole } from './grant-role.command';

/** Usage: node dist/cli/grant-role.js <email> <ADMIN|EDITOR|USER>  (bootstraps the first admin). */
async function main(args: string[]): Promise<number> {
  const [email, role] = args;
  if (!email || !role) {
    process.stderr.write('usage: grant-role <email> <ADMIN|EDITOR|USER>\n');
    return 2;
  }
  const log = createLogger('identity-cli');
  const db = await openDatabase({
    url: defaultDatabaseUrl('identity'),
    entities: identityModule.entities,
    migrations: identityModule.migrations,
    logger: log,
  });
  try {
    const user = await grantRole(new UserService(db.dataSource), email, role);
    process.stdout.write(`${user.handle} <${user.email}> is now ${user.role}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`grant-role failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await db.dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`grant-role failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
