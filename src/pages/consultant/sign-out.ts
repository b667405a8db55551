import type { APIRoute } from 'astro';
import { SESSION_COOKIE, signOut } from '../../server/auth/sign-in.ts';
import { db } from '../../server/db.ts';

export const POST: APIRoute = async ({ cookies, redirect }) => {
  await signOut(db(), cookies.get(SESSION_COOKIE)?.value);
  cookies.delete(SESSION_COOKIE, { path: '/' });
  return redirect('/consultant/sign-in', 303);
};
