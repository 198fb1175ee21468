import { badInput } from '@wavegraph/kit';
import type { User } from '../user/user.entity';
import { isRole } from '../user/role-plan';
import type { UserService } from '../user/user.service';

/** What `grant-role <email> <role>` does, without the process around it (tests call this). */
export async function grantRole(users: UserService, email: string, role: string): Promise<User> {
  if (!isRole(role)) throw badInput('role must be ADMIN, EDITOR or USER', 'role');
  return users.grantRoleByEmail(email, role);
}
