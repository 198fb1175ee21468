import { useEffect } from 'react';
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { MyNotificationsDocument, NotificationAddedDocument } from '@wavegraph/client/documents';
import { notificationsChanged, useNotificationsVersion } from './live';

/** The header's bell: how many notifications are unread, kept current by the NotificationAdded subscription. */
export function Bell() {
  const version = useNotificationsVersion();
  const [{ data }, refetch] = useQuery({ query: MyNotificationsDocument, variables: { first: 1, unreadOnly: true }, requestPolicy: 'network-only' });
  const [{ data: added }] = useSubscription({ query: NotificationAddedDocument });
  const arrived = added?.notificationAdded.id;
  useEffect(() => {
    if (arrived) notificationsChanged();
  }, [arrived]);
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: 'network-only' });
  }, [version]);
  const unread = data?.me?.unreadNotificationCount ?? 0;
  return (
    <Link to="/notifications" className="bell" aria-label={`Notifications, ${unread} unread`}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" fill="currentColor">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      <span data-testid="unread-count" className={unread > 0 ? 'count unread' : 'count'}>{unread}</span>
    </Link>
  );
}
