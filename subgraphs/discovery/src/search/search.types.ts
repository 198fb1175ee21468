import { ShowCategoryEnum, ShowSubcategoryEnum, type ShowCategory, type ShowSubcategory } from '@wavegraph/events';
import { connectionOf, REFERENCE, smallList } from '@wavegraph/kit';
import { Directive, Field, Float, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Episode } from '../episode/episode.type';
import { Show } from '../show/show.type';
import { TranscriptMatch } from '../transcript/transcript-match.type';

/** How many transcript segments a hit shows at most. */
export const MAX_MATCHES_PER_HIT = 3;

export enum SearchKind {
  EPISODE = 'EPISODE',
  SHOW = 'SHOW',
}
registerEnumType(SearchKind, { name: 'SearchKind', description: 'What a search hit points at' });

@InputType()
export class SearchFilter {
  @Field(() => ShowCategoryEnum, { nullable: true, description: "Only hits whose show is in this category (an episode's comes from its show)" })
  category?: ShowCategory | null;

  @Field(() => ShowSubcategoryEnum, { nullable: true, description: "Only hits whose show is in this subcategory (with category, one of its own)" })
  subcategory?: ShowSubcategory | null;

  @Field(() => String, { nullable: true, description: 'Only hits whose show is in this language, e.g. "en" or "pt-BR"' })
  language?: string | null;

  @Field(() => SearchKind, { nullable: true, description: 'Only episodes or only shows' })
  kind?: SearchKind | null;
}

/** One ranked result: exactly one of `episode` and `show` is set, as `kind` says. */
@ObjectType()
export class SearchHit {
  @Field(() => SearchKind)
  kind: SearchKind;

  @Field(() => Float, { description: 'Relevance: text rank (a title counts most, then the description, then the transcript) plus title similarity; higher is better' })
  score: number;

  @Field(() => String, {
    nullable: true,
    description: 'Matching words of the description (or else the title) wrapped in <mark>…</mark>; null when neither holds every word (a typo-only match, or words spoken in the episode: see matches)',
  })
  highlight: string | null;

  @Directive(smallList(MAX_MATCHES_PER_HIT))
  @Field(() => [TranscriptMatch], {
    nullable: true,
    description: `Where in the episode the words were spoken: its best matching transcript segments (at most ${MAX_MATCHES_PER_HIT}), in time order; empty when none of the words is in its transcript (or it has none); null for a show`,
  })
  matches: TranscriptMatch[] | null;

  @Field(() => Episode, REFERENCE)
  episode: Episode | null;

  @Field(() => Show, REFERENCE)
  show: Show | null;
}

export const SearchConnection = connectionOf(SearchHit, 'Search');
