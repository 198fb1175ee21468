import { publicFor } from '@wavegraph/kit';
import type { Plan, Role } from '@wavegraph/auth';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A person with an account. `email`, `role` and `plan` are exposed through UserResolver (self and staff only). */
@Entity('users')
@ObjectType('User')
@Directive('@key(fields: "id")')
@Directive(publicFor(300))
export class User {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('text')
  email: string;

  @Column('text')
  @Field()
  handle: string;

  @Column('text', { name: 'display_name' })
  @Field()
  displayName: string;

  @Column('text', { name: 'password_hash', select: false })
  passwordHash: string;

  /** Exposed through UserResolver.role, like email. */
  @Column('text')
  role: Role;

  /** Exposed through UserResolver.plan, like email. */
  @Column('text')
  plan: Plan;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  @Field()
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
