import type { APIRoute } from 'astro';

/**
 * Liveness: the process answers requests. Touches nothing else, so that a
 * supervisor restarts only a server that has stopped answering, never one
 * that is merely waiting for its disk (that is /readyz's to say).
 */
export const GET: APIRoute = () =>
  new Response(JSON.stringify({ status: 'alive' }), {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
