import { Field, InputType, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity';

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field()
  accessToken: string;

  @Field()
  accessTokenExpiresAt: Date;

  @Field()
  refreshToken: string;

  @Field(() => User)
  user: User;
}

@InputType('RegisterInput')
export class RegisterInput {
  @Field()
  email: string;

  @Field()
  handle: string;

  @Field()
  displayName: string;

  @Field()
  password: string;
}

@InputType('LoginInput')
export class LoginInput {
  @Field()
  email: string;

  @Field()
  password: string;
}
