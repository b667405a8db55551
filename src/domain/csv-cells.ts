/**
 * Text that a spreadsheet would run as a formula when it starts with =, +, -,
 * @, a tab or a carriage return gets a leading apostrophe, so that an answer
 * like "=HYPERLINK(…)" opens as text (CSV injection). Numbers pass unchanged.
 */
export function neutraliseCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
