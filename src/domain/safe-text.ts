import { z } from 'zod';

/**
 * Characters that never belong in a name and can make the text shown differ
 * from the text typed: C0 and C1 control characters (line breaks and tabs
 * included) and DEL; the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) that reorder what follows them, so that
 * "Acme\u202Egnp.exe" reads as "Acmeexe.png"; the invisible direction marks
 * U+200E, U+200F and U+061C; and the line and paragraph separators U+2028 and
 * U+2029, which break a line in a PDF. Right-to-left scripts need none of
 * them: their letters carry their own direction. Also every other invisible
 * format character (\p{Cf}: zero-width space, word joiner, byte-order mark,
 * soft hyphen, tag characters …) and the Hangul fillers, which draw nothing,
 * so that a name can neither be blank to the eye nor look like another; the
 * zero-width joiner and non-joiner stay, since emoji and some scripts need them.
 * And what draws nothing or something meaningless: private-use, unassigned and
 * lone surrogate code points, the blank braille pattern, object replacement,
 * invisible Khmer and Mongolian marks, variation selectors other than the
 * emoji one, more than three combining marks in a row ("zalgo"), and a run of
 * wide or no-break spaces (blank-looking padding).
 */
const UNSAFE =
  /[\u0000-\u001F\u007F-\u009F\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2028\u2029\u2800\u3164\uFE00-\uFE0E\uFFA0\uFFFC\u{16FE4}\u{1D159}\u{E0100}-\u{E01EF}]|[\p{Co}\p{Cn}\p{Cs}]|(?![\u200C\u200D])\p{Cf}|\p{M}{4,}|[\u00A0\u2000-\u200A\u202F\u205F\u3000]{2,}/u;
/** A name shows at least one letter or digit. */
const VISIBLE = /[\p{L}\p{N}]/u;

const NAMES: Record<number, string> = {
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x061c: 'ARABIC LETTER MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x00ad: 'SOFT HYPHEN',
  0x200b: 'ZERO WIDTH SPACE',
  0x2060: 'WORD JOINER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0x3164: 'HANGUL FILLER',
};

/** The first character of `text` that a name may not hold, as "U+202E RIGHT-TO-LEFT OVERRIDE"; null when there is none. */
export function unsafeCharacter(text: string): string | null {
  const found = UNSAFE.exec(text);
  if (!found) return null;
  const code = found[0].codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[code] ?? (code < 0x20 || (code >= 0x7f && code <= 0x9f) ? 'a control character' : undefined);
  return name ? `${hex} ${name}` : hex;
}

export interface SafeTextOptions {
  /** How messages name the field: “Company name”, "The name"; "" where the caller prefixes the field itself (the CLI). */
  field: string;
  /** Longest value accepted, in characters, after trimming. */
  max: number;
  /** Message for an empty value; leave out for an optional field, which then accepts "". */
  required?: string;
  /** Message for a value over `max`. */
  tooLong?: string;
}

/**
 * The one schema for a line of free text a person types and others read
 * (company, study, consultant names): trimmed, bounded, and refused with a
 * message naming the character when it holds an invisible control or
 * text-direction character. Refused rather than stripped, so that what is
 * stored is exactly what the person saw in the field.
 */
export function safeText(o: SafeTextOptions): z.ZodType<string, string> {
  const base = z
    .string({ error: o.required ?? `${o.field || 'it'} must be text.` })
    .trim()
    .max(o.max, o.tooLong ?? `Keep ${o.field || 'it'} to ${o.max} characters.`)
    .superRefine((value, ctx) => {
      const bad = unsafeCharacter(value);
      if (bad) {
        ctx.addIssue({
          code: 'custom',
          message: `${o.field ? `${o.field} ` : ''}holds an invisible control or text-direction character (${bad}). Type it again without it.`,
        });
      } else if (value !== '' && !VISIBLE.test(value)) {
        ctx.addIssue({ code: 'custom', message: `${o.field ? `${o.field} ` : ''}needs at least one letter or digit.` });
      }
    });
  return o.required ? base.min(1, o.required) : base;
}
