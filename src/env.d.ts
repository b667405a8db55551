/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The signed-in consultant, loaded by the middleware from the session cookie; checked again in handlers. */
    consultant: import('../db/schema.ts').Consultant | null;
  }
}
