/**
 * A node-postgres pool that never hands out a connection in an unknown
 * state. With a client-side `query_timeout` (needed: a frozen or cut-off
 * server neither answers nor refuses, and the server's own statement_timeout
 * cannot fire then), node-postgres reports the timeout but leaves the
 * connection waiting for the answer (node-postgres issue 3399), and drizzle's
 * pooled transaction then returns it to the pool as healthy, or, when BEGIN
 * was the statement that timed out, never returns it at all (drizzle-orm
 * issues 6114, 6241). The next request would wait behind the old statement,
 * or run inside its half-done transaction; the leaked ones shrink the pool
 * for good. So here:
 *
 * - a client whose statement timed out closes its connection at once (the
 *   server rolls back whatever it had begun), so nothing more waits on it;
 * - a checked-out client whose connection ends is given back to the pool
 *   (and so removed from it) at once, whether or not its holder ever
 *   releases it; a release after that is ignored;
 * - a client released mid-statement or inside a transaction is closed
 *   rather than kept.
 */
import pg from 'pg';

/** node-postgres's words for a statement its query_timeout gave up on. */
const READ_TIMEOUT_MESSAGE = 'Query read timeout';

/** What node-postgres's client exposes of its state, untyped in @types/pg. */
interface ClientState {
  readyForQuery?: boolean;
  getTransactionStatus?: () => string | null;
}

function timedOut(error: unknown): boolean {
  return error instanceof Error && error.message === READ_TIMEOUT_MESSAGE;
}

/** A client that closes its connection when one of its statements times out on the client side, and marks a failed connect. */
class TimeoutClosingClient extends pg.Client {
  private closeAfterTimeout(error: unknown): void {
    if (timedOut(error)) this.end().catch(() => undefined);
  }

  // Both forms node-postgres accepts: pg-pool passes a callback.
  override connect(...args: any[]): any {
    const callback = args[0] as ((err?: Error) => void) | undefined;
    if (typeof callback === 'function') return super.connect((err?: Error) => callback(err && markConnectFailure(err)));
    return super.connect().catch((e: unknown) => {
      throw markConnectFailure(e);
    });
  }

  // Every form node-postgres accepts: a callback last (as pg-pool's own pool.query passes), or a returned promise.
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: unknown, result: unknown) => void;
      args[last] = (error: unknown, result: unknown) => {
        this.closeAfterTimeout(error);
        callback(error, result);
      };
      return Reflect.apply(super.query, this, args);
    }
    const result: unknown = Reflect.apply(super.query, this, args);
    // A side branch: the caller still gets (and must handle) the original promise's rejection.
    if (result instanceof Promise) result.catch((e: unknown) => this.closeAfterTimeout(e));
    return result;
  }
}

/** Whether a client's connection is mid-statement or inside a transaction: not fit for the next borrower. */
function unsettled(client: pg.PoolClient): boolean {
  const state = client as unknown as ClientState;
  const tx = state.getTransactionStatus?.();
  return state.readyForQuery === false || tx === 'T' || tx === 'E';
}

/** Wraps a checked-out client's release with the rules above. */
function guard(client: pg.PoolClient): pg.PoolClient {
  const giveBack = client.release;
  let returned = false;
  let returnedForEnd = false;
  const onEnd = () => {
    returnedForEnd = true;
    settle(new Error('the connection to PostgreSQL ended while in use'));
  };
  // The statement that failed reports the error to its caller; without a listener the client's 'error' event would
  // end the process.
  const onError = () => undefined;
  function settle(error?: Error | boolean): void {
    returned = true;
    client.removeListener('end', onEnd);
    client.removeListener('error', onError);
    // `false` (as `release(broken)` passes when nothing broke) says no more than nothing: the state decides then.
    giveBack(error || (unsettled(client) ? new Error('released mid-statement or inside a transaction') : undefined));
  }
  client.once('end', onEnd);
  client.on('error', onError);
  client.release = (error?: Error | boolean) => {
    // Already given back because its connection ended: the holder's own release comes later and changes nothing.
    if (returned && returnedForEnd) return;
    settle(error);
  };
  return client;
}

/** The start of the message of a connection that could not even be set up. */
const CONNECTION_SETUP_FAILED = 'Cannot set up a connection to PostgreSQL';

/**
 * Marks an error that a new connection failed with (storage-fault.ts reads
 * it as the database out of reach): whatever its kind (a TLS certificate
 * that no longer verifies, a role that may no longer log in, a file that
 * cannot be read), no statement ran, so nothing was saved.
 */
export const CONNECT_FAILED = Symbol.for('velocity.pg.connect-failed');

function markConnectFailure<E>(error: E): E {
  if (typeof error === 'object' && error !== null && !(CONNECT_FAILED in error)) Object.defineProperty(error, CONNECT_FAILED, { value: true });
  return error;
}

/**
 * A client whose connection could not even be set up: its connect fails with
 * the reason, so pg-pool drops it and fails the waiting query as for a server
 * out of reach. Made without the address (so without reading the files again).
 */
class SetupFailedClient extends TimeoutClosingClient {
  private readonly failure: Error;

  constructor(options: pg.ClientConfig, failure: Error) {
    super({ ...options, connectionString: undefined, ssl: undefined });
    this.failure = markConnectFailure(failure);
  }

  // Both forms node-postgres accepts: pg-pool passes a callback.
  override connect(...args: any[]): any {
    const callback = args[0] as ((err: Error) => void) | undefined;
    if (!callback) return Promise.reject(this.failure);
    process.nextTick(() => callback(this.failure));
  }
}

/**
 * Makes each new client. node-postgres reads the certificate and key files
 * the address names (sslrootcert, sslcert, sslkey) while making the client,
 * so one that became unreadable after the start (a rotation gone wrong, a
 * changed owner) threw a plain ENOENT/EACCES out of pg-pool: a 500 that reads
 * like a bug, or an uncaught exception when pg-pool made the client for a
 * waiting query. Named as what it is, a save gets the "nothing was saved"
 * page and /readyz turns 503 until the file is back.
 */
function makeClient(options: pg.ClientConfig): TimeoutClosingClient {
  try {
    return new TimeoutClosingClient(options);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = code === 'ENOENT' || code === 'EACCES' ? `a certificate or key file the address names cannot be read (${code})` : 'its settings were refused';
    return new SetupFailedClient(options, new Error(`${CONNECTION_SETUP_FAILED}: ${why}`, { cause: e }));
  }
}

export class GuardedPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    // pg-pool calls `new Client(options)`: a function that returns its object serves as well as a class.
    super({ ...config, Client: makeClient as unknown as typeof pg.Client });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (!callback) return super.connect().then(guard);
    // pg-pool's own pool.query takes its client this way.
    super.connect((err, client, done) => {
      if (err || !client) return callback(err, client, done);
      const guarded = guard(client);
      callback(undefined, guarded, (release?: unknown) => guarded.release(release as Error | boolean | undefined));
    });
  }
}
