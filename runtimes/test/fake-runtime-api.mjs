// A minimal fake of the Lambda Runtime API (2018-06-01) for testing bootstraps.
// Serves queued events on GET /invocation/next (long poll), records /response, /error and
// /init/error posts, and tracks which TCP connection every request arrived on.

import http from 'node:http';
import { randomUUID } from 'node:crypto';

const PREFIX = '/2018-06-01/runtime';

export class FakeRuntimeApi {
  constructor() {
    this.queue = []; // events waiting for a GET next
    this.waiting = []; // GET next responses waiting for an event
    this.pending = new Map(); // requestId -> { resolve }
    this.initErrors = [];
    this.initErrorWaiters = [];
    this.requests = []; // { method, url, socketId, headers }
    this.results = []; // every /response or /error post
    this.sockets = new Set();
    this.nextSocketId = 0;
    this.server = http.createServer((req, res) => this.#route(req, res));
    this.server.keepAliveTimeout = 120_000;
    this.server.headersTimeout = 0;
    this.server.requestTimeout = 0;
    this.server.on('connection', (s) => {
      s.nimbusId = ++this.nextSocketId;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Starts listening on 127.0.0.1 and returns "host:port" for AWS_LAMBDA_RUNTIME_API. */
  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address();
    this.address = `127.0.0.1:${port}`;
    return this.address;
  }

  async close() {
    for (const w of this.waiting) w.res.destroy();
    this.waiting = [];
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /**
   * Queues an invocation and resolves with what the bootstrap posted back:
   * { kind: 'response' | 'error', requestId, headers, body (Buffer), text, json, socketId }.
   * options: requestId, deadlineMs, traceId, clientContext, cognitoIdentity, arn,
   *          rawBody (Buffer|string sent verbatim), chunked (Transfer-Encoding: chunked),
   *          lowercaseHeaders (send header names in lower case),
   *          connectionClose (answer with "Connection: close" and close the socket).
   */
  invoke(event, options = {}) {
    const requestId = options.requestId ?? randomUUID();
    const body = Buffer.from(options.rawBody ?? JSON.stringify(event));
    const done = new Promise((resolve) => this.pending.set(requestId, { resolve }));
    const item = { requestId, body, options };
    let waiter = this.waiting.shift();
    while (waiter && (!waiter.res.socket || waiter.res.socket.destroyed)) waiter = this.waiting.shift();
    if (waiter) this.#send(waiter.res, item);
    else this.queue.push(item);
    return done;
  }

  /** Resolves with the next (or an already received) /init/error post. */
  waitInitError() {
    if (this.initErrors.length) return Promise.resolve(this.initErrors[0]);
    return new Promise((resolve) => this.initErrorWaiters.push(resolve));
  }

  /** Destroys every open connection (e.g. a bootstrap's pending long poll). */
  dropConnections() {
    for (const s of this.sockets) s.destroy();
  }

  /** Socket ids used by bootstrap requests (GET next and POSTs). */
  socketIds() {
    return new Set(this.requests.map((r) => r.socketId));
  }

  #send(res, { requestId, body, options }) {
    const headers = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': requestId,
      'Lambda-Runtime-Deadline-Ms': String(options.deadlineMs ?? Date.now() + 30_000),
      'Lambda-Runtime-Invoked-Function-Arn':
        options.arn ?? 'arn:aws:lambda:us-east-1:000000000000:function:test-fn',
    };
    if (options.traceId !== null) {
      headers['Lambda-Runtime-Trace-Id'] =
        options.traceId ?? `Root=1-00000000-${requestId.replace(/-/g, '').slice(0, 24)};Sampled=0`;
    }
    if (options.clientContext) headers['Lambda-Runtime-Client-Context'] = JSON.stringify(options.clientContext);
    if (options.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = JSON.stringify(options.cognitoIdentity);
    if (options.connectionClose) headers.Connection = 'close';
    const out = {};
    for (const [k, v] of Object.entries(headers)) out[options.lowercaseHeaders ? k.toLowerCase() : k] = v;

    if (options.chunked) {
      res.writeHead(200, out); // no Content-Length: node uses chunked encoding
      const step = Math.max(1, Math.ceil(body.length / 3));
      for (let i = 0; i < body.length; i += step) res.write(body.subarray(i, i + step));
      res.end();
    } else {
      out[options.lowercaseHeaders ? 'content-length' : 'Content-Length'] = body.length;
      res.writeHead(200, out);
      res.end(body);
    }
  }

  #route(req, res) {
    const socketId = req.socket.nimbusId;
    this.requests.push({ method: req.method, url: req.url, socketId, headers: req.headers });

    if (req.method === 'GET' && req.url === `${PREFIX}/invocation/next`) {
      const item = this.queue.shift();
      if (item) return this.#send(res, item);
      const w = { res };
      this.waiting.push(w);
      res.on('close', () => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
      });
      return;
    }

    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const record = { headers: req.headers, body, text, json, socketId };

      if (req.method === 'POST' && req.url === `${PREFIX}/init/error`) {
        this.initErrors.push({ kind: 'init-error', ...record });
        for (const w of this.initErrorWaiters.splice(0)) w(this.initErrors[0]);
        return reply(res, 202, { status: 'OK' });
      }
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(req.url);
      if (req.method === 'POST' && m) {
        const requestId = decodeURIComponent(m[1]);
        const p = this.pending.get(requestId);
        if (!p) return reply(res, 400, { errorMessage: 'unknown request id', errorType: 'InvalidRequestID' });
        this.pending.delete(requestId);
        const result = { kind: m[2], requestId, ...record };
        this.results.push(result);
        reply(res, 202, { status: 'OK' });
        return p.resolve(result);
      }
      reply(res, 404, { errorMessage: 'not found' });
    });
  }
}

function reply(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
