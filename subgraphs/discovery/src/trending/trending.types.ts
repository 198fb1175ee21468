import { REFERENCE } from '@wavegraph/kit';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Episode } from '../episode/episode.type';

export enum TrendingWindow {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(TrendingWindow, { name: 'TrendingWindow', description: 'How far back activity counts' });

/** Window length and half-life in hours: the longer the window, the slower old activity fades. */
export const WINDOWS: Record<TrendingWindow, { hours: number; halfLifeHours: number }> = {
  [TrendingWindow.DAY]: { hours: 24, halfLifeHours: 6 },
  [TrendingWindow.WEEK]: { hours: 7 * 24, halfLifeHours: 24 },
  [TrendingWindow.MONTH]: { hours: 30 * 24, halfLifeHours: 7 * 24 },
};

@ObjectType()
export class TrendingEpisode {
  @Field(() => Episode, REFERENCE)
  episode: Episode;

  @Field(() => Float, { description: 'Σ (plays + 3 × likes) × 2^(−age / half-life) over the window' })
  score: number;
}
