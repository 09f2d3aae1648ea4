// Nimbus Node.js bootstrap: a Lambda Runtime API (2018-06-01) client loop that follows the
// AWS nodejs20.x/22.x handler conventions (handler resolution, async/callback/context.done
// handlers, context object, error JSON, console log format).
//
// Launched by Nimbus as:  node <runtimes>/node/bootstrap.mjs   (cwd = LAMBDA_TASK_ROOT)
// Required env: AWS_LAMBDA_RUNTIME_API (host:port), _HANDLER, LAMBDA_TASK_ROOT.
// Only the Node standard library is used.

import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const API_PREFIX = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

// ---------------------------------------------------------------------------------------------
// Error types (names match the AWS runtime interface client)
// ---------------------------------------------------------------------------------------------

function runtimeError(shortName) {
  const cls = class extends Error {};
  Object.defineProperty(cls, 'name', { value: shortName });
  cls.prototype.name = `Runtime.${shortName}`;
  return cls;
}
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const NodeJsExit = runtimeError('NodeJsExit');
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';

function isErrorLike(e) {
  return (
    util.types.isNativeError(e) ||
    (e && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string' &&
      e.name && e.message && e.stack)
  );
}

/** Body posted to /error and /init/error: {errorType, errorMessage, trace}. */
function toRapidResponse(error) {
  try {
    if (isErrorLike(error)) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withEnumerableProperties(v) {
  if (v instanceof Error) {
    const ret = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
    if (typeof v.stack === 'string') ret.stack = v.stack.split('\n');
    return ret;
  }
  return v;
}

/** Log formatting used for "Invoke Error" / "Uncaught Exception" lines (leading tab, like AWS). */
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

const intoError = (e) => (e instanceof Error ? e : new Error(e));

// ---------------------------------------------------------------------------------------------
// Console patch: "<ISO time>\t<requestId>\t<LEVEL>\t<util.format(...)>" on stdout, newlines -> \r
// ---------------------------------------------------------------------------------------------

let currentRequestId; // undefined during init, exactly like AWS ("...\tundefined\tINFO\t...")
const REQUEST_ID_SYMBOL = Symbol.for('aws.lambda.runtime.requestId');

const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
};

function patchConsole() {
  const json = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  const minLevel = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
  const out = process.stdout;

  const textLog = (level, args) => {
    let line = `${new Date().toISOString()}\t${currentRequestId}\t${level.name}\t${util.format(...args)}`;
    if (line.includes('\n')) line = line.replace(/\n/g, '\r');
    out.write(line + '\n');
  };
  const jsonReplacer = (_k, v) =>
    v instanceof Error
      ? Object.assign(
          {
            errorType: v?.constructor?.name ?? 'UnknownError',
            errorMessage: v.message,
            stackTrace: typeof v.stack === 'string' ? v.stack.split('\n') : v.stack,
          },
          v,
        )
      : v;
  const jsonLog = (level, args) => {
    const rec = { timestamp: new Date().toISOString(), level: level.name, requestId: currentRequestId };
    let line;
    if (args.length === 1) {
      rec.message = args[0];
      try {
        line = JSON.stringify(rec, jsonReplacer);
      } catch {
        rec.message = util.format(args[0]);
        line = JSON.stringify(rec);
      }
    } else {
      rec.message = util.format(...args);
      const err = args.find((a) => a instanceof Error);
      if (err) {
        rec.errorType = err?.constructor?.name ?? 'UnknownError';
        rec.errorMessage = err.message;
        rec.stackTrace = typeof err.stack === 'string' ? err.stack.split('\n') : [];
      }
      line = JSON.stringify(rec);
    }
    out.write(line.replace(/\n/g, '\r') + '\n');
  };
  const log = json ? jsonLog : textLog;
  const nop = () => {};
  const make = (level) => (level.priority >= minLevel.priority ? (...args) => log(level, args) : nop);

  console.trace = make(LEVELS.TRACE);
  console.debug = make(LEVELS.DEBUG);
  console.info = make(LEVELS.INFO);
  console.log = console.info;
  console.warn = make(LEVELS.WARN);
  console.error = make(LEVELS.ERROR);
  console.fatal = make(LEVELS.FATAL);

  return json
    ? (_msg, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// ---------------------------------------------------------------------------------------------
// Runtime API client: one keep-alive TCP connection, Content-Length request bodies.
//
// A minimal HTTP/1.1 client on node:net instead of node:http: the http module's per-request
// machinery (ClientRequest/IncomingMessage/Agent bookkeeping) costs ~150-200 us per request on
// small machines, twice per invoke; this client adds a few tens of microseconds. It handles
// Content-Length, chunked and close-delimited responses, "Connection: close", interim 1xx
// responses, and reconnects (retrying the unanswered requests once) when the server drops the
// connection. Requests may be pipelined (HTTP/1.1): after an invocation the response POST and the
// next GET /invocation/next go out in one write, answered in order; that saves a write and a
// server wake-up per invoke and changes nothing the server sees but the timing.
// The socket is unref'd while idle so it never keeps the event loop alive (needed for
// callbackWaitsForEmptyEventLoop / beforeExit semantics).
// ---------------------------------------------------------------------------------------------

function parseHostPort(value) {
  if (!value) throw new Error('AWS_LAMBDA_RUNTIME_API is not set');
  const i = value.lastIndexOf(':');
  if (i <= 0 || value.endsWith(']')) return { hostname: value.replace(/^\[|\]$/g, ''), port: 80 };
  let hostname = value.slice(0, i);
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port: parseInt(value.slice(i + 1), 10) };
}

const { hostname: API_HOST, port: API_PORT } = parseHostPort(process.env.AWS_LAMBDA_RUNTIME_API);
const HOST_HEADER = API_HOST.includes(':') ? `[${API_HOST}]:${API_PORT}` : `${API_HOST}:${API_PORT}`;
const EMPTY = Buffer.alloc(0);
const CRLFCRLF = Buffer.from('\r\n\r\n');

class RapidConnection {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.socket = null;
    this.queue = []; // sent, unanswered requests in order: { head, body, cb, attempt }
    this.resetParser();
  }

  resetParser() {
    this.buf = EMPTY; // unparsed bytes
    this.res = null; // { status, headers, length, chunked, untilClose }
    this.bodyParts = null;
    this.bodyLen = 0;
    this.chunkLeft = -1; // chunked: bytes left in current chunk (+2 for CRLF), -1 = expect size line
  }

  /** Sends one request; cb(err, {status, headers, body}); answers arrive in request order. */
  request(head, body, cb) {
    const p = { head, body, cb, attempt: 0 };
    this.queue.push(p);
    if (!this.socket) this.connect();
    this.send(p);
  }

  /** Sends several requests in one write (pipelined). */
  requestAll(requests) {
    if (!this.socket) this.connect();
    const s = this.socket;
    s.cork();
    for (const [head, body, cb] of requests) {
      const p = { head, body, cb, attempt: 0 };
      this.queue.push(p);
      this.send(p);
    }
    s.uncork();
  }

  send(p) {
    const s = this.socket;
    s.ref();
    const { head, body } = p;
    if (body === null) s.write(head, 'latin1');
    else if (typeof body === 'string' && body.length < 65536) s.write(head + body);
    else {
      s.cork();
      s.write(head, 'latin1');
      s.write(body);
      s.uncork();
    }
  }

  /** Sends every unanswered request again on a new connection. */
  resend() {
    this.connect();
    this.socket.cork();
    for (const p of this.queue) this.send(p);
    this.socket.uncork();
  }

  connect() {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = s;
    this.resetParser();
    s.on('data', (d) => this.onData(d));
    s.on('error', () => {}); // 'close' follows
    s.on('close', () => this.onClose(s));
  }

  onClose(s) {
    if (this.socket !== s) return;
    this.socket = null;
    if (this.queue.length && this.res && this.res.untilClose) {
      // close-delimited body complete
      this.finish();
      return;
    }
    if (!this.queue.length) return;
    if (this.queue[0].attempt < 1) {
      for (const p of this.queue) p.attempt++;
      this.resend(); // reconnect and retry once
    } else {
      const failed = this.queue;
      this.queue = [];
      for (const p of failed) p.cb(new Error('Runtime API connection closed'));
    }
  }

  onData(d) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      if (!this.res) {
        const he = this.buf.indexOf(CRLFCRLF);
        if (he < 0) return;
        const lines = this.buf.latin1Slice(0, he).split('\r\n');
        this.buf = this.buf.subarray(he + 4);
        const status = parseInt(lines[0].slice(9, 12), 10);
        if (status >= 100 && status < 200) continue; // interim response
        const headers = {};
        for (let i = 1; i < lines.length; i++) {
          const line = lines[i];
          const c = line.indexOf(':');
          if (c <= 0) continue;
          const k = line.slice(0, c).trim().toLowerCase();
          if (!(k in headers)) headers[k] = line.slice(c + 1).trim();
        }
        const te = headers['transfer-encoding'];
        const cl = headers['content-length'];
        const res = (this.res = {
          status,
          headers,
          chunked: te !== undefined && /chunked\s*$/i.test(te),
          length: cl !== undefined ? parseInt(cl, 10) : -1,
          untilClose: false,
          close: /(^|,)\s*close\s*($|,)/i.test(headers.connection || '') || lines[0].startsWith('HTTP/1.0'),
        });
        if (!res.chunked && res.length < 0) {
          if (status === 204 || status === 304) res.length = 0;
          else res.untilClose = res.close = true;
        }
        this.bodyParts = [];
        this.bodyLen = 0;
        this.chunkLeft = -1;
      }
      const res = this.res;
      if (res.chunked) {
        if (!this.readChunked()) return;
      } else if (res.untilClose) {
        if (this.buf.length) {
          this.bodyParts.push(this.buf);
          this.bodyLen += this.buf.length;
          this.buf = EMPTY;
        }
        return;
      } else {
        const need = res.length - this.bodyLen;
        if (this.buf.length < need) {
          if (this.buf.length) {
            this.bodyParts.push(this.buf);
            this.bodyLen += this.buf.length;
            this.buf = EMPTY;
          }
          return;
        }
        if (need > 0) {
          this.bodyParts.push(this.buf.subarray(0, need));
          this.bodyLen += need;
        }
        this.buf = this.buf.subarray(need);
      }
      this.finish();
      if (!this.socket || !this.queue.length) return;
    }
  }

  /** Consumes chunked data from buf; returns true when the terminating chunk was read. */
  readChunked() {
    for (;;) {
      if (this.chunkLeft < 0) {
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return false;
        const size = parseInt(this.buf.latin1Slice(0, eol), 16);
        this.buf = this.buf.subarray(eol + 2);
        if (size === 0) {
          this.chunkLeft = -2; // trailers
        } else {
          this.chunkLeft = size + 2;
          continue;
        }
      }
      if (this.chunkLeft === -2) {
        // skip trailer lines up to the empty line
        for (;;) {
          const eol = this.buf.indexOf('\r\n');
          if (eol < 0) return false;
          this.buf = this.buf.subarray(eol + 2);
          if (eol === 0) return true;
        }
      }
      const take = Math.min(this.chunkLeft, this.buf.length);
      if (take === 0) return false;
      const dataTake = Math.min(take, Math.max(0, this.chunkLeft - 2));
      if (dataTake > 0) {
        this.bodyParts.push(this.buf.subarray(0, dataTake));
        this.bodyLen += dataTake;
      }
      this.buf = this.buf.subarray(take);
      this.chunkLeft -= take;
      if (this.chunkLeft === 0) this.chunkLeft = -1;
      else return false;
    }
  }

  finish() {
    const res = this.res;
    const parts = this.bodyParts;
    const body = parts.length === 1 ? parts[0] : parts.length === 0 ? EMPTY : Buffer.concat(parts, this.bodyLen);
    const p = this.queue.shift();
    this.res = null;
    this.bodyParts = null;
    if (res.close) {
      // The server closes after this answer: requests pipelined behind it go again on a new connection.
      if (this.socket) this.socket.destroy();
      this.socket = null;
      this.resetParser();
      if (this.queue.length) this.resend();
    } else if (this.socket && !this.queue.length) {
      this.socket.unref();
    }
    if (p) p.cb(null, { status: res.status, headers: res.headers, body });
  }
}

const rapid = new RapidConnection(API_HOST, API_PORT);
const NEXT_HEAD = `GET ${API_PREFIX}/invocation/next HTTP/1.1\r\nHost: ${HOST_HEADER}\r\n\r\n`;

function onNext(res) {
  if (res.status !== 200) return fatal(new Error(`GET next failed: HTTP ${res.status} ${res.body.toString()}`));
  onInvocation(res.body, res.headers);
}

/** GET /invocation/next (long poll, no timeout). */
function nextInvocation() {
  rapid.request(NEXT_HEAD, null, (err, res) => (err ? fatal(err) : onNext(res)));
}

/**
 * POSTs to the Runtime API; then, when `next` is true, asks for the next invocation in the same write
 * (pipelined: the server answers the POST first). Otherwise cb runs once the POST is answered.
 */
function post(pathname, body, extraHeaders, cb, next = false) {
  const head =
    `POST ${pathname} HTTP/1.1\r\nHost: ${HOST_HEADER}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n`;
  const onPosted = (err, res) => {
    if (err) return fatal(err);
    if (res.status >= 300) {
      // e.g. 413 (response too large) or 4xx for an unknown id: report and carry on like AWS.
      process.stderr.write(`[nimbus-bootstrap] POST ${pathname} -> HTTP ${res.status} ${res.body.toString()}\n`);
    }
    if (cb) cb();
  };
  if (next) rapid.requestAll([[head, body, onPosted], [NEXT_HEAD, null, (err, res) => (err ? fatal(err) : onNext(res))]]);
  else rapid.request(head, body, onPosted);
}

function serialize(value) {
  let s;
  try {
    s = JSON.stringify(value === undefined ? null : value);
  } catch {
    throw new Error('Unable to stringify response body');
  }
  return s === undefined ? 'null' : s;
}

/** Posts an invocation's result and asks for the next invocation. */
function postResponse(id, result) {
  post(`${API_PREFIX}/invocation/${encodeURIComponent(id)}/response`, serialize(result), '', null, true);
}

function postError(pathname, error, cb, next = false) {
  const resp = toRapidResponse(error);
  let body;
  try {
    body = JSON.stringify(resp);
  } catch {
    body = JSON.stringify({ errorType: String(resp.errorType), errorMessage: String(resp.errorMessage), trace: [] });
  }
  // Header values must be latin1 without control characters.
  const type = String(resp.errorType ?? '').replace(/[^\x20-\x7e]/g, '');
  post(pathname, body, `${ERROR_TYPE_HEADER}: ${type}\r\n`, cb, next);
}

function fatal(err) {
  process.stderr.write(`[nimbus-bootstrap] Runtime API failure: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Handler loading (AWS UserFunction semantics)
// ---------------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function nearestPackageIsModule(folder) {
  for (;;) {
    if (folder.endsWith('/node_modules')) return false;
    const pj = path.join(folder, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pj, 'utf8'));
        return !!pkg && pkg.type === 'module';
      } catch (e) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
        return false;
      }
    }
    const parent = path.dirname(folder);
    if (parent === folder) return false;
    folder = parent;
  }
}

async function importModule(file) {
  return import(pathToFileURL(file).href);
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  if (isFile(base)) return require(base); // extensionless → CommonJS
  const esm = nearestPackageIsModule(path.dirname(base));
  if (!esm && isFile(base + '.js')) return require(base + '.js');
  if (esm && isFile(base + '.js')) return importModule(base + '.js');
  if (isFile(base + '.mjs')) return importModule(base + '.mjs');
  if (isFile(base + '.cjs')) return require(base + '.cjs');
  // Fall back to node resolution (e.g. a package under node_modules / NODE_PATH).
  const resolved = require.resolve(moduleName, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] });
  return require(resolved);
}

async function loadHandler(appRoot, fullHandler) {
  if (!fullHandler) throw new MalformedHandlerName('Bad handler');
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - handlerString.length);
  const m = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!m) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = m;

  let userApp;
  try {
    userApp = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e && e.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
  const fn = handlerPath.split('.').reduce((o, k) => o && o[k], userApp);
  if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return fn;
}

// ---------------------------------------------------------------------------------------------
// Invoke loop
// ---------------------------------------------------------------------------------------------

const ENV = process.env;
const FUNCTION_NAME = ENV.AWS_LAMBDA_FUNCTION_NAME;
const FUNCTION_VERSION = ENV.AWS_LAMBDA_FUNCTION_VERSION;
const MEMORY = ENV.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
const LOG_GROUP = ENV.AWS_LAMBDA_LOG_GROUP_NAME;
const LOG_STREAM = ENV.AWS_LAMBDA_LOG_STREAM_NAME;

let logError; // set by patchConsole
let beforeExitHook = null; // what to do when the event loop drains (callbackWaitsForEmptyEventLoop)
// Process-level error reporting: init error before the first invoke, invocation error after.
let reportFatal = (error, code) => postError(`${API_PREFIX}/init/error`, error, () => process.exit(code));

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function scheduleNext() {
  setImmediate(nextInvocation);
}

function onInvocation(body, headers) {
  const id = headers['lambda-runtime-aws-request-id'];
  if (!id) return fatal(new Error('invocation id is missing or invalid'));
  currentRequestId = id;
  globalThis[REQUEST_ID_SYMBOL] = id;
  const trace = headers['lambda-runtime-trace-id'];
  if (trace) ENV._X_AMZN_TRACE_ID = trace;
  else delete ENV._X_AMZN_TRACE_ID;
  const deadline = Number(headers['lambda-runtime-deadline-ms']);

  reportFatal = (error, code) =>
    postError(`${API_PREFIX}/invocation/${encodeURIComponent(id)}/error`, error, () => process.exit(code));

  let finished = false; // first of callback/done/succeed/fail/promise wins
  let completed = false;
  let waitForEmptyEventLoop = true;

  const fail = (err) => {
    logError('Invoke Error', err);
    postError(`${API_PREFIX}/invocation/${encodeURIComponent(id)}/error`, err, null, true);
  };
  const complete = (result) => {
    if (completed) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
      return;
    }
    completed = true;
    postResponse(id, result);
  };
  const done = (err, result) => {
    beforeExitHook = null;
    if (err !== undefined && err !== null) fail(err);
    else complete(result);
  };
  const once = (fn) =>
    function () {
      if (!finished) {
        fn.apply(null, arguments);
        finished = true;
      }
    };
  const callback = once((err, result) => {
    beforeExitHook = null;
    if (err !== undefined && err !== null) fail(err);
    else if (!waitForEmptyEventLoop) complete(result);
    else beforeExitHook = () => setImmediate(() => complete(result));
  });

  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(v) {
      waitForEmptyEventLoop = v;
    },
    succeed: once((result) => done(null, result)),
    fail: once((err) => (err === undefined || err === null ? done('handled') : done(err, null))),
    done: once(done),
    functionVersion: FUNCTION_VERSION,
    functionName: FUNCTION_NAME,
    memoryLimitInMB: MEMORY,
    logGroupName: LOG_GROUP,
    logStreamName: LOG_STREAM,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: id,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };

  // Handler neither returned a promise nor called back, and the event loop drained.
  beforeExitHook = () => {
    beforeExitHook = null;
    completed = finished = true;
    if (isAsyncHandler) {
      const e = new NodeJsExit('Error: Runtime exited without providing a reason');
      logError('Invoke Error', e);
      postError(`${API_PREFIX}/invocation/${encodeURIComponent(id)}/error`, e, null, true);
    } else {
      postResponse(id, null);
    }
  };

  try {
    context.clientContext = parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext');
    context.identity = parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity');
    const event = JSON.parse(body.length ? body.toString('utf8') : 'null');
    const result = userHandler(event, context, callback);
    if (result && typeof result.then === 'function') {
      result.then(context.succeed, context.fail).catch(context.fail);
    }
  } catch (err) {
    callback(err);
  }
}

let userHandler;
let isAsyncHandler = false;

async function main() {
  logError = patchConsole();

  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    reportFatal(error, 129);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason?.toString(), promise);
    logError('Unhandled Promise Rejection', error);
    reportFatal(error, 128);
  });
  process.on('beforeExit', () => {
    if (beforeExitHook) beforeExitHook();
  });

  const appRoot = ENV.LAMBDA_TASK_ROOT || process.cwd();
  try {
    userHandler = await loadHandler(appRoot, ENV._HANDLER || '');
  } catch (error) {
    logError('Uncaught Exception', error);
    reportFatal(error, 129);
    return;
  }
  isAsyncHandler = userHandler.constructor?.name === 'AsyncFunction';
  scheduleNext();
}

main();
