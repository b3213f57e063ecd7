// Where the app's own pages live: the app:// scheme, registered as a standard, secure scheme so
// that 'self' in the Content-Security-Policy means exactly this origin and nothing else.
export const APP_SCHEME = 'app';
export const APP_HOST = 'airlock';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** True for a URL of the app's own origin (scheme and host compared exactly, case-insensitively). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST;
  } catch {
    return false;
  }
}
