import type { ReactNode } from 'react';
import { HashRouter, Link, NavLink, Navigate, Route, Routes, useNavigate } from 'react-router';
import { Provider } from 'urql';
import { SignIn } from './auth/SignIn';
import { signOut, useTokenRefresh } from './auth/refresh';
import { client } from './client';
import { ErrorBoundary } from './ErrorBoundary';
import { EpisodePage } from './listener/EpisodePage';
import { Search } from './listener/Search';
import { ShowPage } from './listener/ShowPage';
import { useSession } from './session';
import { EpisodeStudio } from './studio/EpisodeStudio';
import { MyShows } from './studio/MyShows';
import { ShowStudio } from './studio/ShowStudio';

/** The studio's pages need an account: signing in right there keeps the address. */
function SignedIn({ children }: { children: ReactNode }) {
  return useSession() ? <>{children}</> : <SignIn title="Sign in to open the creator studio." />;
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
        <NavLink to="/studio">Studio</NavLink>
      </nav>
      <span className="who">
        {session ? (
          <>
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
