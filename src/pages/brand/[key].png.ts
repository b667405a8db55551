import type { APIRoute } from 'astro';
import { db } from '../../server/db.ts';
import { findLogo } from '../../server/repositories/studies.ts';

/**
 * /brand/<key>.png: a study's logo, the PNG the server encoded when the
 * consultant uploaded it. The key is the PNG's own SHA-256 (128 bits of it),
 * so the address names no study and cannot be guessed or counted through, a
 * new logo gets a new address, and the response can be cached for good.
 */
const KEY = /^[0-9a-f]{32}$/;

const missing = () => new Response('Not found.\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

export const GET: APIRoute = async ({ params, request }) => {
  const key = params.key ?? '';
  if (!KEY.test(key)) return missing();
  const png = await findLogo(db(), key);
  if (!png) return missing();
  const etag = `"${key}"`;
  const headers = {
    'content-type': 'image/png',
    'x-content-type-options': 'nosniff',
    // Opened on its own, the image may load nothing, run nothing and be framed by nobody.
    'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'",
    'content-disposition': 'inline; filename="logo.png"',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'public, max-age=31536000, immutable',
    etag,
  };
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  return new Response(png as BlobPart, { status: 200, headers: { ...headers, 'content-length': String(png.byteLength) } });
};
