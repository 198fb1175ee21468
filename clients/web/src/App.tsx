import type { ReactNode } from 'react';
import { HashRouter, Link, NavLink, Navigate, Route, Routes, useNavigate } from 'react-router';
import { Provider } from 'urql';
import { SignIn } from './auth/SignIn';
import { signOut, useTokenRefresh } from './auth/refresh';
import { client } from './client';
import { Browse } from './discover/Browse';
import { Trending } from './discover/Trending';
import { ErrorBoundary } from './ErrorBoundary';
import { Library } from './library/Library';
import { EpisodePage } from './listener/EpisodePage';
import { Search } from './listener/Search';
import { ShowPage } from './listener/ShowPage';
import { Bell } from './notifications/Bell';
import { Inbox } from './notifications/Inbox';
import { useSession } from './session';
import { EpisodeStudio } from './studio/EpisodeStudio';
import { MyShows } from './studio/MyShows';
import { ShowStudio } from './studio/ShowStudio';

/** Pages that need an account (the studio, the library, the inbox): signing in right there keeps the address. */
function SignedIn({ children, title = 'Sign in to open the creator studio.' }: { children: ReactNode; title?: string }) {
  return useSession() ? <>{children}</> : <SignIn title={title} />;
}

function SignInPage() {
  return useSession() ? <Navigate to="/" replace /> : <SignIn />;
}

function Header() {
  const session = useSession();
  const navigate = useNavigate();
  return (
    <header className="top">
      <Link to="/" className="brand">Wavegraph</Link>
      <nav>
        <NavLink to="/" end>Listen</NavLink>
        <NavLink to="/trending">Trending</NavLink>
        <NavLink to="/browse">Browse</NavLink>
        {session && <NavLink to="/library">Library</NavLink>}
        <NavLink to="/studio">Studio</NavLink>
      </nav>
      <span className="who">
        {session ? (
          <>
            <Bell key={session.user.id} />{' '}
            <span data-testid="signed-in-as">@{session.user.handle}</span>{' '}
            <button type="button" className="link" onClick={() => void signOut().then(() => navigate('/'))}>Sign out</button>
          </>
        ) : (
          <Link to="/signin">Sign in</Link>
        )}
      </span>
    </header>
  );
}

function Shell() {
  useTokenRefresh();
  return (
    <>
      <Header />
      <main>
        <ErrorBoundary>
          <Routes>
            <Route path="/" element={<Search />} />
            <Route path="/signin" element={<SignInPage />} />
            <Route path="/shows/:showId" element={<ShowPage />} />
            <Route path="/episodes/:episodeId" element={<EpisodePage />} />
            <Route path="/trending" element={<Trending />} />
            <Route path="/browse" element={<Browse />} />
            <Route path="/library" element={<SignedIn title="Sign in to see your playlists."><Library /></SignedIn>} />
            <Route path="/notifications" element={<SignedIn title="Sign in to see your notifications."><Inbox /></SignedIn>} />
            <Route path="/studio" element={<SignedIn><MyShows /></SignedIn>} />
            <Route path="/studio/shows/:showId" element={<SignedIn><ShowStudio /></SignedIn>} />
            <Route path="/studio/episodes/:episodeId" element={<SignedIn><EpisodeStudio /></SignedIn>} />
            <Route path="*" element={<p>Nothing here. <Link to="/">Back to listening</Link></p>} />
          </Routes>
        </ErrorBoundary>
      </main>
    </>
  );
}

export function App() {
  return (
    <Provider value={client}>
      <HashRouter>
        <Shell />
      </HashRouter>
    </Provider>
  );
}
