import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { MarkNotificationsReadDocument, MyNotificationsDocument } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { notificationsChanged, useNotificationsVersion } from './live';

/** The listener's notifications, newest first; new ones appear as they arrive; each can be marked read, or all at once. */
export function Inbox() {
  const version = useNotificationsVersion();
  const [{ data, error }, refetch] = useQuery({ query: MyNotificationsDocument, variables: { first: 50 }, requestPolicy: 'cache-and-network' });
  const [{ fetching: marking }, mark] = useMutation(MarkNotificationsReadDocument);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: 'network-only' });
  }, [version]);

  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  if (!data?.me) return <p className="muted">Loading…</p>;
  const notifications = data.me.notifications?.edges.map((edge) => edge.node) ?? [];
  const unread = data.me.unreadNotificationCount ?? 0;
  const markRead = async (variables: { ids?: string[]; all?: boolean }) => {
    setProblem(null);
    const result = await mark(variables);
    if (result.error) setProblem(errorMessage(result.error));
    else notificationsChanged();
  };

  return (
    <section className="card">
      <h2>Notifications</h2>
      <p className="engagement">
        <span className="muted">{unread} unread</span>
        {unread > 0 && <button type="button" disabled={marking} onClick={() => void markRead({ all: true })}>Mark all read</button>}
      </p>
      {problem && <p className="error" role="alert">{problem}</p>}
      {notifications.length === 0 && <p className="muted">No notifications yet: new episodes of the shows you follow and replies to your comments show here.</p>}
      <ul className="list notifications" aria-label="Notifications">
        {notifications.map((notification) => (
          <li key={notification.id} className={notification.read ? 'read' : 'unread'}>
            <strong>{notification.message}</strong> <span className="muted">{new Date(notification.createdAt).toLocaleString()}</span>
            {notification.episode && <> · <Link to={`/episodes/${notification.episode.id}`}>{notification.episode.title}</Link></>}
            {!notification.episode && notification.show && <> · <Link to={`/shows/${notification.show.id}`}>{notification.show.title}</Link></>}{' '}
            {notification.read ? (
              <span className="muted">read</span>
            ) : (
              <button type="button" className="plain" disabled={marking} aria-label={`Mark read: ${notification.message}`} onClick={() => void markRead({ ids: [notification.id] })}>Mark read</button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
