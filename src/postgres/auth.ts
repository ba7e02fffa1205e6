import * as E from 'fp-ts/lib/Either.js';
import { causeText, describe, isMissingModule, missingPackage, type StoreError, storeError } from './errors.js';

/** Where Google publishes the keys that sign its OIDC tokens (a JWK Set, rotated). */
export const GOOGLE_CERTS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

/** The issuers of Google's OIDC tokens. */
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** A JSON Web Key Set: `{ "keys": [...] }`. */
export interface JsonWebKeySet {
  readonly keys: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** Options of {@link pushAuthenticator}: what Pub/Sub's push authentication must say. */
export interface PushAuthOptions {
  /** The audience set on the push subscription (by default, the push endpoint's URL). */
  readonly audience: string;
  /** The email of the service account the subscription pushes as. */
  readonly serviceAccount: string;
  /** The keys to verify with: Google's published ones by default, or a JWK Set (tests, a pinned copy), or its URL. */
  readonly keys?: JsonWebKeySet | URL | undefined;
  /** Seconds of clock difference accepted on `exp`, `iat` and `nbf` (default 30). */
  readonly clockToleranceSeconds?: number | undefined;
}

/** Whether a push may come in: yes (from whom), or the status to refuse it with and why. */
export type AuthResult =
  | { readonly ok: true; readonly email: string }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly reason: string };

/** Checks a push's `Authorization` header. Resolves, never rejects. */
export type PushAuthenticator = (authorization: string | ReadonlyArray<string> | undefined) => Promise<AuthResult>;

const refuse = (status: 401 | 403 | 503, reason: string): AuthResult => ({ ok: false, status, reason });

const BEARER = 'bearer ';

/** The token of `Bearer <token>`, whatever the scheme's case (RFC 7235: case-insensitive). */
const bearerToken = (header: string | ReadonlyArray<string> | undefined): string | undefined => {
  if (typeof header !== 'string') return undefined;
  if (header.length <= BEARER.length || header.slice(0, BEARER.length).toLowerCase() !== BEARER) return undefined;
  const token = header.slice(BEARER.length).trim();
  return token === '' ? undefined : token;
};

/** What a failed verification means for the push: jose's stable error codes, said for a person. */
const explain = (cause: unknown): AuthResult => {
  const code = (cause as { code?: unknown } | null)?.code;
  const detail = causeText(cause);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return refuse(401, `the token has expired (${detail})`);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (cause as { claim?: unknown }).claim;
      return refuse(401, `the token's ${typeof claim === 'string' ? `${claim} claim` : 'claims'} refused: ${detail}`);
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refuse(401, 'the token signature does not verify: it was not signed by the key it names, or it was changed');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return refuse(401, `the token is not signed with RS256 (${detail})`);
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return refuse(401, 'the token is signed by a key that is not among the trusted keys');
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return refuse(401, 'the token names no key, and several trusted keys could have signed it');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return refuse(401, `not a valid signed JWT: ${detail}`);
    default:
      // Fetching Google's keys failed (timeout, network, a bad answer): not the pusher's fault, so Pub/Sub redelivers.
      return refuse(503, `could not get the keys to verify the token with: ${detail}`);
  }
};

/**
 * Pub/Sub's push authentication: `Authorization: Bearer <OIDC token>`, verified with jose (an
 * optional peer, loaded now): an RS256 signature by one of Google's published keys (or `keys`),
 * issuer `accounts.google.com`, `aud` the audience, `email` the service account with
 * `email_verified`, within `exp` (and `iat`, `nbf`). A push without a valid token is refused with
 * 401; a valid token of another account with 403; when the keys cannot be fetched, 503 (Pub/Sub
 * redelivers). Never throws.
 *
 * @example
 * ```ts
 * const authenticate = await pushAuthenticator({ audience: 'https://events.example.com/pubsub/push', serviceAccount: 'push@acme.iam.gserviceaccount.com' });
 * ```
 */
export const pushAuthenticator = async (options: PushAuthOptions): Promise<E.Either<StoreError, PushAuthenticator>> => {
  if (typeof options !== 'object' || options === null) {
    return E.left(storeError('invalid', `push authentication needs its options (audience, serviceAccount), got ${describe(options)}`));
  }
  let given: PushAuthOptions;
  try {
    // Read once: the authenticator checks every push against these values, not against later changes.
    const { audience, serviceAccount, keys, clockToleranceSeconds } = options;
    given = { audience, serviceAccount, keys, clockToleranceSeconds };
  } catch (cause) {
    return E.left(storeError('invalid', `could not read the push authentication options: ${causeText(cause)}`));
  }
  return authenticatorFor(given);
};

const authenticatorFor = async (options: PushAuthOptions): Promise<E.Either<StoreError, PushAuthenticator>> => {
  if (typeof options.audience !== 'string' || options.audience === '') {
    return E.left(storeError('invalid', 'push authentication needs the audience the subscription is configured with'));
  }
  if (typeof options.serviceAccount !== 'string' || !options.serviceAccount.includes('@')) {
    return E.left(storeError('invalid', `push authentication needs the service account's email, got ${describe(options.serviceAccount)}`));
  }
  let jose: typeof import('jose');
  try {
    jose = await import('jose');
  } catch (cause) {
    if (isMissingModule(cause)) return E.left(missingPackage('jose', 'push authentication'));
    return E.left(storeError('unavailable', `could not load jose: ${causeText(cause)}`));
  }
  let keySet: ReturnType<typeof jose.createLocalJWKSet> | ReturnType<typeof jose.createRemoteJWKSet>;
  try {
    const keys = options.keys;
    keySet =
      keys === undefined || keys instanceof URL
        ? jose.createRemoteJWKSet(keys ?? new URL(GOOGLE_CERTS_URL))
        : jose.createLocalJWKSet(JSON.parse(JSON.stringify(keys)) as Parameters<typeof jose.createLocalJWKSet>[0]);
  } catch (cause) {
    return E.left(storeError('invalid', `not a JWK Set: ${causeText(cause)}`));
  }
  const expected = options.serviceAccount.toLowerCase();
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  if (typeof clockTolerance !== 'number' || !Number.isFinite(clockTolerance) || clockTolerance < 0) {
    return E.left(storeError('invalid', `clockToleranceSeconds: expected a number of seconds from 0, got ${describe(clockTolerance)}`));
  }
  return E.right(async (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return refuse(401, 'no Authorization: Bearer token (push authentication is required)');
    let payload: Readonly<Record<string, unknown>>;
    try {
      ({ payload } = await jose.jwtVerify(token, keySet, {
        algorithms: ['RS256'],
        issuer: GOOGLE_ISSUERS,
        audience: options.audience,
        requiredClaims: ['exp', 'iat', 'email'],
        clockTolerance,
      }));
    } catch (cause) {
      return explain(cause);
    }
    const email = payload.email;
    if (typeof email !== 'string' || email.toLowerCase() !== expected) {
      return refuse(
        403,
        `the token is for ${typeof email === 'string' ? email : 'no email'}, not the push service account ${options.serviceAccount}`,
      );
    }
    if (payload.email_verified !== true) return refuse(403, `the token's email ${email} is not verified`);
    return { ok: true, email };
  });
};
