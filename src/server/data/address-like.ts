// Imports nothing: the server's settings check DATABASE_PATH with it before anything is loaded.

/**
 * Whether a value given as a SQLite file path reads as a database address
 * instead (postgres://…, mysql://…, postgres//… with its colon left out):
 * such a value holds a password more often than not, so it is refused
 * without being repeated, rather than becoming a file of that name.
 * A Windows drive (C:\…, C:/…) is a path.
 */
export function looksLikeAddress(value: string): boolean {
  const v = value.trim();
  if (/^[a-z]:[\\/]/i.test(v)) return false;
  return /^[a-z][a-z0-9+.-]*:/i.test(v) || /^postgres(ql)?\/\//i.test(v) || v.includes('://');
}
