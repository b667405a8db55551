/** The largest form or JSON body the site accepts. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super(`The request is larger than ${MAX_BODY_BYTES / 1024} KB.`);
  }
}

/**
 * A request's body with a hard size limit, counting the bytes as they arrive
 * so that a missing or lying Content-Length does not help; BodyTooLargeError
 * beyond `limit`.
 */
export async function readLimitedBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new BodyTooLargeError();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new BodyTooLargeError();
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

/**
 * Reads a url-encoded or multipart form with a hard size limit (readLimitedBody).
 * Repeated fields keep their last value; files are refused by being ignored.
 */
export async function readForm(request: Request, limit = MAX_BODY_BYTES): Promise<Record<string, string>> {
  const body = await readLimitedBody(request, limit);
  const form = await new Response(body as BodyInit, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  const out: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === 'string') out[key] = value;
  return out;
}
