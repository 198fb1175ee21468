import 'reflect-metadata';
import { createLogger, defaultDatabaseUrl, envString, openDatabase, redisUrl } from '@wavegraph/kit';
import { connectRedis } from '@wavegraph/redis';
import { Revocations } from '../session/revocations';
import { tokenSettings } from '../token/token.config';
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
  // the user's tokens from before the change stop working at every gateway
  const redis = connectRedis(redisUrl(), 'command', { name: 'identity:grant-role' });
  const revocations = new Revocations(redis, envString('REDIS_PREFIX', 'wavegraph'), tokenSettings().accessTokenTtlSeconds);
  try {
    const user = await grantRole(new UserService(db.dataSource, revocations), email, role);
    process.stdout.write(`${user.handle} <${user.email}> is now ${user.role}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`grant-role failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    redis.disconnect();
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
