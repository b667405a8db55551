import type { Consultant } from '../../../db/schema.ts';
import { reportStorageFault } from '../storage-fault.ts';

/**
 * Sets `locals.consultant` to who `lookup` says is signed in. When the
 * lookup fails with a storage fault (the database unreachable, frozen,
 * damaged), who is signed in is unknown rather than "nobody": reading
 * `locals.consultant` then throws that fault, so a page that needs to know
 * answers what any page whose own query failed answers (the 503 "try again"
 * page, src/pages/500.astro) instead of sending a signed-in consultant to
 * the sign-in form with a 303, which a proxy or browser would never retry.
 * A page that never asks (the health checks, a participant's pages) goes on.
 * The fault is logged once, here. Any other error is thrown at once.
 */
export async function setRequestConsultant(locals: { consultant: Consultant | null }, lookup: () => Promise<Consultant | null>): Promise<void> {
  let consultant: Consultant | null;
  try {
    consultant = await lookup();
  } catch (e) {
    if (!reportStorageFault(e, 'the session check')) throw e;
    Object.defineProperty(locals, 'consultant', {
      configurable: true,
      // Not enumerable: copying or logging the locals must not throw, only asking who is signed in.
      enumerable: false,
      get() {
        throw e;
      },
    });
    return;
  }
  // Defined, not assigned: Astro renders the error page with the same locals and runs the middleware again, and
  // an assignment over the getter above (a lookup that failed, then succeeded) would throw into a bare 500.
  Object.defineProperty(locals, 'consultant', { configurable: true, enumerable: true, writable: true, value: consultant });
}
