import { createContext, useContext } from 'react';

/** What every comment of an episode's thread needs to know: where it is and who is looking. */
export interface ThreadViewer {
  episodeId: string;
  /** The signed-in listener's id; null when signed out (no forms, no buttons). */
  viewerId: string | null;
  /** The show's owner moderates: a Delete button on every comment (the API has the last word). */
  moderates: boolean;
}

export const ThreadContext = createContext<ThreadViewer>({ episodeId: '', viewerId: null, moderates: false });

export const useThread = (): ThreadViewer => useContext(ThreadContext);
