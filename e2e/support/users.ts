import type { ShowCategory, WavegraphClient } from '@wavegraph/client';
import type { TestSupergraph } from './supergraph';

export interface SignedUp {
  client: WavegraphClient;
  userId: string;
  token: string;
}

/** Registers `handle` through the gateway (e-mail and password derived from it) and returns a client signed in as them. */
export async function signUp(supergraph: Pick<TestSupergraph, 'client'>, handle: string): Promise<SignedUp> {
  const { register } = await supergraph.client().Register({ input: { email: `${handle}@example.com`, handle, displayName: handle, password: `${handle} has a long password` } });
  return { client: supergraph.client(register.accessToken), userId: register.user.id, token: register.accessToken };
}

export interface CreatorWithEpisode extends SignedUp {
  showId: string;
  episodeId: string;
}

/** A creator signed up through the gateway with a show and one published episode of it (media learns of it from catalog's events). */
export async function creatorWithEpisode(
  supergraph: Pick<TestSupergraph, 'client'>,
  handle: string,
  show: { slug: string; title: string; category: ShowCategory },
  episodeTitle: string,
): Promise<CreatorWithEpisode> {
  const creator = await signUp(supergraph, handle);
  const { createShow } = await creator.client.CreateShow({ input: { ...show, language: 'en' } });
  const { createEpisode } = await creator.client.CreateEpisode({ input: { showId: createShow.id, title: episodeTitle } });
  await creator.client.PublishEpisode({ id: createEpisode.id });
  return { ...creator, showId: createShow.id, episodeId: createEpisode.id };
}
