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
      🔔 <span data-testid="unread-count" className={unread > 0 ? 'count unread' : 'count'}>{unread}</span>
    </Link>
  );
}
