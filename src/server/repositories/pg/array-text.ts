/**
 * PostgreSQL arrays read as their text (`column::text`) and parsed here.
 * node-postgres's own array parser handles every element type, quoting and
 * nesting, and costs some 30-60 µs per 100-element row: a group's counts (101
 * rows) took 3-6 ms, most of a peer lookup, and a comparison reads thousands
 * of rows. The statistics' arrays are flat, without NULLs or quoting, so a
 * loop over the characters reads them ten times faster. Anything else is
 * refused rather than read wrong.
 */

function body(text: string): string {
  // A lower bound other than 1 prints as "[0:2]={…}": the statistics never have one, and the index would shift.
  if (text.length < 2 || text.charCodeAt(0) !== 123 || text.charCodeAt(text.length - 1) !== 125) throw new Error(`not a flat PostgreSQL array: ${text.slice(0, 40)}`);
  return text.slice(1, -1);
}

/** An integer[] given as text, e.g. "{0,3,-1}". */
export function parseIntArray(text: string): Int32Array {
  const inner = body(text);
  if (inner.length === 0) return new Int32Array(0);
  let length = 1;
  for (let c = 0; c < inner.length; c++) if (inner.charCodeAt(c) === 44) length++;
  const out = new Int32Array(length);
  let at = 0;
  let value = 0;
  let negative = false;
  let digits = 0;
  const end = () => {
    if (digits === 0) throw new Error(`not an integer array: ${text.slice(0, 40)}`);
    out[at++] = negative ? -value : value;
    value = 0;
    negative = false;
    digits = 0;
  };
  for (let c = 0; c < inner.length; c++) {
    const ch = inner.charCodeAt(c);
    if (ch >= 48 && ch <= 57) {
      value = value * 10 + (ch - 48);
      digits++;
    } else if (ch === 44) end();
    else if (ch === 45 && digits === 0 && !negative) negative = true;
    else throw new Error(`not an integer array: ${text.slice(0, 40)}`);
  }
  end();
  return out;
}

/** A double precision[] given as text; PostgreSQL prints each double in its shortest exact form, which Number reads back as the same double. */
export function parseFloatArray(text: string): Float64Array {
  const inner = body(text);
  if (inner.length === 0) return new Float64Array(0);
  const parts = inner.split(',');
  const out = new Float64Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const value = Number(part);
    // Number('') is 0 and NULL would be NaN: neither is a stored sum.
    if (part.length === 0 || Number.isNaN(value)) throw new Error(`not a double precision array: ${text.slice(0, 40)}`);
    out[i] = value;
  }
  return out;
}
