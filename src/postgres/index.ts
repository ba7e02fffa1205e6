/**
 * `dialogflow-conversation/postgres`: conversations kept in PostgreSQL, exactly once, across many
 * instances, while Pub/Sub delivers at least once and out of order. A store of versioned machine
 * snapshots with a compare-and-set on the version and a transactional outbox of domain events
 * (relayed at least once, in version order); the push handling that answers what Pub/Sub must do;
 * a request listener with Pub/Sub's push authentication. On a PostgreSQL server through `pg`, or
 * embedded through PGlite: the same SQL on both. `pg`, `@electric-sql/pglite`, `jose` and
 * `@google-cloud/dialogflow` are optional peers, loaded when used.
 *
 * @packageDocumentation
 */
export {
  type AuthResult,
  GOOGLE_CERTS_URL,
  type JsonWebKeySet,
  type PushAuthenticator,
  type PushAuthOptions,
  pushAuthenticator,
} from './auth.js';
export {
  type Database,
  isServerUrl,
  type OpenDatabaseOptions,
  openDatabase,
  type PGliteLike,
  type PgClientLike,
  type PgDatabaseOptions,
  type PgPoolLike,
  type PgQueryConfig,
  pgDatabase,
  pgliteDatabase,
  type Queryable,
  type QueryOptions,
  type QueryResult,
} from './database.js';
export type { StoreError } from './errors.js';
export {
  type ClosableFetchConversation,
  type FetchConversation,
  type FetchError,
  type FetchResult,
  fetchConversationThrough,
  type GoogleFetchOptions,
  googleFetchConversation,
} from './fetch.js';
export { type PushListenerOptions, pushListener, type RequestListener, type ServiceListenerOptions, serviceListener } from './listener.js';
export type { OutboxEvent, PushOutcome, PushOutcomeKind } from './outcome.js';
export { type HttpPublisherOptions, httpEventsPublisher, type Relay, type RelayLoopOptions, startRelay } from './relay.js';
export { DEFAULT_SCHEMA, type MigrationReport, migrate, SCHEMA_VERSION } from './schema.js';
export {
  type ConversationStore,
  eventId,
  type ListOptions,
  openStore,
  type PublishEvents,
  type RelayOptions,
  type RelayReport,
  type SaveResult,
  type StoreOptions,
} from './store.js';
