import { astro, FetchState } from 'astro/fetch';
import { config } from './server/config.ts';
import { installLogRedaction } from './server/http/log-redaction.ts';
import { allowOneClickUnsubscribe } from './server/http/one-click.ts';
import { moveToOrigin, siteOrigin } from './server/http/proxy.ts';

// Loaded with the server, before its first request: no log line ever carries a resume or invite token.
installLogRedaction();

/**
 * Astro's request pipeline, entered with the site's public origin
 * (src/server/http/proxy.ts). Astro's own origin check
 * (`checkOrigin`, still on) compares a post's Origin with `url`, and behind a
 * TLS-terminating proxy the Node server sees http://127.0.0.1:4321, so every
 * form post was refused; here `url` becomes PUBLIC_ORIGIN first, which also
 * makes `Astro.url` (every absolute link, the Secure cookie flag) right. A
 * request whose Host cannot be trusted is refused before anything renders.
 */
export default {
  fetch(request: Request): Promise<Response> {
    const state = new FetchState(request);
    const cfg = config();
    const origin = siteOrigin(state.url, cfg);
    if (!origin) {
      return Promise.resolve(
        new Response(
          'This server does not answer for that host name. Open it by its own address, or set PUBLIC_ORIGIN to the address people use.\n',
          {
            status: 421,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
          },
        ),
      );
    }
    moveToOrigin(state.url, origin);
    const oneClick = allowOneClickUnsubscribe(request, state.url);
    if (oneClick === request) return astro(state);
    const unsubscribing = new FetchState(oneClick);
    moveToOrigin(unsubscribing.url, origin);
    return astro(unsubscribing);
  },
};
