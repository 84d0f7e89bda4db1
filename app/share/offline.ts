// Offline use: in a production build the page registers the service worker (public/sw.js,
// completed by the build with the list of files to cache) once it has loaded, so a
// lecture hall without network still gets the whole playground after one visit.
// Development builds never register it (a stale cache would hide edits).

export function registerOffline(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  const register = () => {
    navigator.serviceWorker.register('./sw.js', { scope: './' }).catch((e: unknown) => {
      // Not fatal: the playground works online without it.
      console.warn('offline support unavailable:', e instanceof Error ? e.message : e);
    });
  };
  // After the page has loaded and the first run had its start: caching the build's
  // files competes with nothing the user waits for.
  const go = () => {
    const idle = (window as { requestIdleCallback?: (f: () => void, o: { timeout: number }) => void }).requestIdleCallback;
    setTimeout(() => (idle ? idle(register, { timeout: 3000 }) : register()), 1500);
  };
  if (document.readyState === 'complete') go();
  else window.addEventListener('load', go, { once: true });
}
