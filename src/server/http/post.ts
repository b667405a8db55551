import { BodyTooLargeError, readForm } from './form.ts';

export type PostedForm = { ok: true; form: Record<string, string> } | { ok: false; response: Response };

function plain(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/**
 * The posted form of a page handler, or the 4xx response to send instead:
 * 413 over the size limit, 415 for a body that is not a form.
 */
export async function postedForm(request: Request): Promise<PostedForm> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
    return { ok: false, response: plain(415, 'Send this form as application/x-www-form-urlencoded or multipart/form-data.') };
  }
  try {
    return { ok: true, form: await readForm(request) };
  } catch (e) {
    if (e instanceof BodyTooLargeError) return { ok: false, response: plain(413, e.message) };
    return { ok: false, response: plain(400, 'The form could not be read.') };
  }
}

/**
 * For a page (.astro): a 404 without a body, which Astro answers with
 * src/pages/404.astro, the page that says what to do next (its copy follows
 * the address: a private link, an invitation, the consultant area). Astro does
 * not do this for endpoints; they answer with fileNotFound().
 */
export function notFound(): Response {
  return new Response(null, { status: 404 });
}

/** For an endpoint (a PDF or CSV download): a 404 whose short text says where the file is found. */
export function fileNotFound(): Response {
  return plain(404, 'Not found. This file is not available at this address: open the page it belongs to and download it from there.');
}

/** A request whose address asks for something that cannot be: the message says what would be right. */
export function badRequest(message: string): Response {
  return plain(400, message);
}

/** A well-formed request that is refused for what it asks (a group too small to export, say): the message says why. */
export function unprocessable(message: string): Response {
  return plain(422, message);
}
