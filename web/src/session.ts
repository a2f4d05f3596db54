import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { createApi, unwrap, type Api, type Session } from './api/client';

/**
 * Who is signed in: the API token (kept in session storage, so it goes when the tab closes) and what its role may
 * do, as `GET /api/v1/me` says. Pages ask `can(permission)` before showing a button.
 */

const KEY = 'connector-hub.token';

export interface SignedIn {
  api: Api;
  session: Session;
  can(permission: string): boolean;
  signOut(): void;
}

export const SessionContext = createContext<SignedIn | undefined>(undefined);

export function useSession(): SignedIn {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession outside a signed-in page');
  return value;
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Checks the token with the hub; keeps it only when the hub accepts it. */
export async function signIn(token: string): Promise<{ api: Api; session: Session }> {
  const api = createApi(token.trim());
  const session = await unwrap(api.GET('/api/v1/me'));
  sessionStorage.setItem(KEY, token.trim());
  return { api, session };
}
