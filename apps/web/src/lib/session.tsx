import { createContext, type ReactNode, useCallback, useContext, useMemo, useSyncExternalStore } from "react";

/** What the app keeps of a sign-in: the tokens and who they belong to. */
export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  account: { id: string; roles: readonly string[]; email?: string | null; phone?: string | null };
}

const key = "mercato.session";
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

/** The session outside React (the GraphQL client's auth exchange reads and renews it here). */
export const sessionStore = {
  get: (): Session | null => current,
  set(next: Session | null) {
    current = next;
    if (next) localStorage.setItem(key, JSON.stringify(next));
    else localStorage.removeItem(key);
    for (const listener of listeners) listener();
  },
  /** New tokens for the same account (a refresh). */
  renew(tokens: Pick<Session, "accessToken" | "accessTokenExpiresAt" | "refreshToken">) {
    if (current) sessionStore.set({ ...current, ...tokens });
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// Another tab signing in or out changes this one too.
if (typeof window !== "undefined")
  window.addEventListener("storage", (event) => {
    if (event.key !== key) return;
    current = read();
    for (const listener of listeners) listener();
  });

interface SessionApi {
  session: Session | null;
  has(role: "buyer" | "seller" | "admin"): boolean;
  signIn(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  const signIn = useCallback((next: Session) => sessionStore.set(next), []);
  const signOut = useCallback(() => sessionStore.set(null), []);
  const value = useMemo<SessionApi>(
    () => ({
      session,
      has: (role) => session?.account.roles.includes(role) ?? false,
      signIn,
      signOut,
    }),
    [session, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error("useSession outside SessionProvider");
  return api;
}
