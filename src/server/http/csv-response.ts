/** A CSV download that spreadsheet programs open as UTF-8 (the byte-order mark) and that no cache keeps. */
export function csvResponse(body: string, fileName: string): Response {
  return new Response(`\uFEFF${body}`, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName}"`,
      'cache-control': 'private, no-store',
    },
  });
}
