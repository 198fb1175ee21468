import { ShowCategoryEnum, ShowSubcategoryEnum, type ShowCategory, type ShowSubcategory } from '@wavegraph/events';
import { connectionOf, encodeTimeCursor } from '@wavegraph/kit';
import { Field, InputType } from 'type-graphql';

import { PersonInput } from '../person/person.types';
import { Show, ShowType } from './show.entity';

export const ShowConnection = connectionOf(Show, 'Show');
export const showCursor = (show: Show): string => encodeTimeCursor(show.createdAt, show.id);

@InputType()
export class CreateShowInput {
  @Field()
  slug: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ShowCategoryEnum)
  category: ShowCategory;

  @Field(() => ShowSubcategoryEnum, { nullable: true, description: "One of the category's subcategories" })
  subcategory?: ShowSubcategory | null;

  @Field({ description: 'Language code, e.g. "en" or "pt-BR"' })
  language: string;

  @Field(() => String, { nullable: true })
  artworkUrl?: string | null;

  @Field(() => Boolean, { nullable: true })
  explicit?: boolean | null;

  @Field(() => String, { nullable: true })
  author?: string | null;

  @Field(() => String, { nullable: true })
  ownerEmail?: string | null;

  @Field(() => ShowType, { nullable: true })
  showType?: ShowType | null;

  @Field(() => Boolean, { nullable: true })
  locked?: boolean | null;

  @Field(() => [PersonInput], { nullable: true, description: 'Replaces the whole list' })
  people?: PersonInput[] | null;
}

@InputType()
export class UpdateShowInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ShowCategoryEnum, { nullable: true })
  category?: ShowCategory | null;

  @Field(() => ShowSubcategoryEnum, {
    nullable: true,
    description: "One of the category's (the new one's if it changes too); null clears it. A category change must bring a subcategory of its own or clear it",
  })
  subcategory?: ShowSubcategory | null;

  @Field(() => String, { nullable: true })
  language?: string | null;

  @Field(() => String, { nullable: true })
  artworkUrl?: string | null;

  @Field(() => Boolean, { nullable: true })
  explicit?: boolean | null;

  @Field(() => String, { nullable: true })
  author?: string | null;

  @Field(() => String, { nullable: true })
  ownerEmail?: string | null;

  @Field(() => ShowType, { nullable: true })
  showType?: ShowType | null;

  @Field(() => Boolean, { nullable: true })
  locked?: boolean | null;

  @Field(() => [PersonInput], { nullable: true, description: 'Replaces the whole list' })
  people?: PersonInput[] | null;
}
