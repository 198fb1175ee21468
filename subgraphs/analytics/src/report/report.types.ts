import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Episode } from '../episode/episode.type';
import type { Report } from './report.service';

export enum AnalyticsInterval {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(AnalyticsInterval, { name: 'AnalyticsInterval', description: 'Bucket size of a series: UTC days, ISO weeks (from Monday), calendar months' });

@InputType({ description: 'UTC days from the day of `from` through the day of `to` (a `to` at midnight ends the range before that day)' })
export class AnalyticsRange {
  @Field(() => Date)
  from: Date;

  @Field(() => Date)
  to: Date;
}

@ObjectType({ description: 'The figures of one bucket of a series' })
export class AnalyticsPoint {
  @Field(() => Date, { description: 'Start of the bucket (midnight UTC of its first day)' })
  start: Date;

  @Field(() => Int, { description: 'Downloads, IAB-style: one per listener (address + user agent) and episode per 24 hours, bots left out' })
  downloads: number;

  @Field(() => Int, { description: 'Distinct listeners whose sessions started in the bucket' })
  uniqueListeners: number;

  @Field(() => Float, { description: 'Seconds listened in sessions started in the bucket' })
  listeningSeconds: number;
}

@ObjectType()
export class AnalyticsTotals {
  @Field(() => Int)
  downloads: number;

  @Field(() => Int)
  uniqueListeners: number;

  @Field(() => Float)
  listeningSeconds: number;

  @Field(() => Int, { description: 'Listening sessions (heartbeats of one listener at most 30 minutes apart)' })
  sessions: number;
}

@ObjectType({ description: 'Figures of one client app: the player a download came from (its user agent) or a listener reported with' })
export class ClientAppAnalytics {
  @Field()
  clientApp: string;

  @Field(() => Int)
  downloads: number;

  @Field(() => Int)
  uniqueListeners: number;

  @Field(() => Float)
  listeningSeconds: number;
}

@ObjectType()
export class TopEpisode {
  /** Null while catalog cannot complete it (an outage nulls the reference, not the list). */
  @Field(() => Episode, { nullable: true })
  episode: Episode;

  @Field(() => Int)
  downloads: number;

  @Field(() => Int)
  uniqueListeners: number;

  @Field(() => Float)
  listeningSeconds: number;
}

@ObjectType({ description: 'Share of sessions that were still listening at a point of the episode' })
export class DropOffPoint {
  @Field(() => Int, { description: '0, 5, …, 100 (% of the duration)' })
  percent: number;

  @Field(() => Float, { description: '0..1' })
  share: number;
}

/** A report's figures are read per field; `report` is what they are read for. */
@ObjectType({ description: "A show's figures over a range (owner and staff only)" })
export class ShowAnalytics {
  report: Report;

  @Field(() => AnalyticsInterval)
  interval: AnalyticsInterval;
}

@ObjectType({ description: "An episode's figures over a range (owner and staff only)" })
export class EpisodeAnalytics {
  report: Report;

  @Field(() => AnalyticsInterval)
  interval: AnalyticsInterval;
}
