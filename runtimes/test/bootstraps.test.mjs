// Tests for the Nimbus runtime bootstraps against a fake Runtime API.
// Run: node --test runtimes/test/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeRuntimeApi } from './fake-runtime-api.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const runtimes = path.resolve(here, '..');
const repo = path.resolve(runtimes, '..');
const NODE_BOOTSTRAP = path.join(runtimes, 'node', 'bootstrap.mjs');
const PY_BOOTSTRAP = path.join(runtimes, 'python', 'bootstrap.py');
const C_DIR = path.join(repo, 'bench', 'functions', 'c-echo');
const PYTHON = process.env.PYTHON || 'python3';
const STEP_TIMEOUT = 15_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nimbus-bootstrap-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(root, rel, content) {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

function withTimeout(promise, ms, what, proc) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}\n--- output ---\n${proc?.output() ?? ''}`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Starts a fake API plus one bootstrap process; everything is torn down by stop(). */
async function launch(kind, { handler, taskRoot, env = {}, command } = {}) {
  const api = new FakeRuntimeApi();
  const address = await api.start();
  const baseEnv = {
    PATH: process.env.PATH,
    AWS_LAMBDA_RUNTIME_API: address,
    _HANDLER: handler ?? '',
    LAMBDA_TASK_ROOT: taskRoot ?? tmp,
    LAMBDA_RUNTIME_DIR: runtimes,
    AWS_LAMBDA_FUNCTION_NAME: 'test-fn',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test-fn',
    AWS_LAMBDA_LOG_STREAM_NAME: '2024/01/01/[$LATEST]abcdef',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    TZ: ':UTC',
    LANG: 'C.UTF-8',
    ...env,
  };
  let cmd;
  if (command) cmd = command;
  else if (kind === 'node') cmd = [process.execPath, NODE_BOOTSTRAP];
  else if (kind === 'python') cmd = [PYTHON, PY_BOOTSTRAP];
  else throw new Error(kind);
  if (kind === 'node') baseEnv.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs20.x';
  if (kind === 'python') baseEnv.AWS_EXECUTION_ENV = 'AWS_Lambda_python3.11';

  const proc = spawn(cmd[0], cmd.slice(1), {
    cwd: baseEnv.LAMBDA_TASK_ROOT,
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const handle = {
    api,
    proc,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => `stdout:\n${stdout}\nstderr:\n${stderr}`,
    invoke: (event, opts) => withTimeout(api.invoke(event, opts), STEP_TIMEOUT, 'invoke result', handle),
    initError: () => withTimeout(api.waitInitError(), STEP_TIMEOUT, 'init error', handle),
    exit: () => withTimeout(exited, STEP_TIMEOUT, 'process exit', handle),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
      await api.close();
    },
  };
  return handle;
}

/** Runs fn with a launched bootstrap and always cleans up. */
async function withBootstrap(kind, opts, fn) {
  const h = await launch(kind, opts);
  try {
    await fn(h);
  } finally {
    await h.stop();
  }
}

/**
 * Waits until the process's stdout matches re. Output is written before the result is posted,
 * but the two travel over different pipes, so the test may see the result first. A bootstrap
 * that buffered stdout would never produce it while alive (processes are SIGKILLed at the end).
 */
async function waitStdout(h, re, ms = 5000) {
  const end = Date.now() + ms;
  while (!re.test(h.stdout())) {
    if (Date.now() > end) assert.match(h.stdout(), re);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function assertOneConnection(h) {
  const ids = h.api.socketIds();
  assert.equal(ids.size, 1, `expected one keep-alive connection, saw ${ids.size}`);
}

/** Shared HTTP-client robustness checks, run against every bootstrap with an echo-like handler. */
async function checkHttpRobustness(h, unwrap = (j) => j) {
  const a = await h.invoke({ lower: true }, { lowercaseHeaders: true });
  assert.deepEqual(unwrap(a.json), { lower: true }, h.output());
  const big = 'x'.repeat(200_000);
  const b = await h.invoke({ chunked: big }, { chunked: true });
  assert.deepEqual(unwrap(b.json), { chunked: big });
  const c = await h.invoke({ close: 1 }, { connectionClose: true });
  assert.deepEqual(unwrap(c.json), { close: 1 });
  const d = await h.invoke({ after: 'close' });
  assert.deepEqual(unwrap(d.json), { after: 'close' });
  // server drops the connection while the bootstrap is long-polling: it must reconnect
  await new Promise((r) => setTimeout(r, 100));
  h.api.dropConnections();
  const e = await h.invoke({ after: 'drop' });
  assert.deepEqual(unwrap(e.json), { after: 'drop' });
  assert.equal(h.proc.exitCode, null);
}

const ONE_MB_EVENT = { blob: 'x'.repeat(1024 * 1024), n: 1 };

// ---------------------------------------------------------------------------------------------
// Node.js
// ---------------------------------------------------------------------------------------------

describe('node bootstrap', { timeout: 120_000 }, () => {
  const root = path.join(tmp, 'node');
  before(() => {
    write(
      root,
      'index.mjs',
      `
export const handler = async (event, context) => ({
  event,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop,
  clientContext: context.clientContext,
  identity: context.identity,
  trace: process.env._X_AMZN_TRACE_ID,
});
export const echo = async (event) => event;
export const throws = async () => { throw new TypeError('bad thing happened'); };
export const throwsCustom = async () => { class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } } throw new MyError('custom'); };
export const undef = async () => undefined;
export const circular = async () => { const a = {}; a.self = a; return a; };
export const logs = async (event) => { console.log('hello %s', 'world', 42); console.warn('multi\\nline'); console.error(new Error('oops')); return 'logged'; };
export const nested = { inner: { fn: async () => 'nested ok' } };
export const notFn = 42;
`,
    );
    write(
      root,
      'cb.js',
      `
exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { cb: event }), 5); };
exports.cbError = (event, context, callback) => callback(new RangeError('cb failure'));
exports.cbString = (event, context, callback) => callback('plain string failure');
exports.succeed = (event, context) => { context.succeed({ succeeded: true }); };
exports.done = (event, context) => { context.done(null, { done: event }); };
exports.fail = (event, context) => { context.fail(new Error('context.fail')); };
exports.waits = (event, context, callback) => {
  // result only posted once the event loop drains (callbackWaitsForEmptyEventLoop = true)
  globalThis.__ticks = 0;
  const t = setInterval(() => { if (++globalThis.__ticks === 3) clearInterval(t); }, 5);
  callback(null, 'after-drain');
};
exports.readTicks = (event, context, callback) => callback(null, globalThis.__ticks);
exports.noWait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => {}, 60_000);
  callback(null, 'no-wait');
};
exports.syncReturn = (event) => 'ignored';
`,
    );
    write(root, 'src/app.mjs', `export const handler = async (e) => ({ from: 'src/app', e });`);
    write(root, 'esm/package.json', JSON.stringify({ type: 'module' }));
    write(root, 'esm/main.js', `export const handler = async () => 'esm .js with type module';`);
    write(root, 'lib.cjs', `module.exports = { handler: async () => 'cjs' };`);
    write(root, 'syntax.js', `exports.handler = async () => { return 1 +; };`);
    write(root, 'initthrow.mjs', `throw new Error('init boom'); export const handler = 1;`);
  });

  test('async handler: result, context fields, trace id', async () => {
    await withBootstrap('node', { handler: 'index.handler', taskRoot: root }, async (h) => {
      const deadline = Date.now() + 60_000;
      const r = await h.invoke(
        { hello: 'world' },
        {
          requestId: 'req-ctx-1',
          deadlineMs: deadline,
          traceId: 'Root=1-abc-def;Sampled=1',
          clientContext: { custom: { a: 1 } },
          cognitoIdentity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
        },
      );
      assert.equal(r.kind, 'response', h.output());
      assert.match(r.headers['content-type'], /application\/json/);
      assert.ok(r.headers['content-length'], 'Content-Length body');
      assert.equal(r.headers['transfer-encoding'], undefined);
      const j = r.json;
      assert.deepEqual(j.event, { hello: 'world' });
      assert.equal(j.functionName, 'test-fn');
      assert.equal(j.functionVersion, '$LATEST');
      assert.equal(j.memoryLimitInMB, '256');
      assert.equal(j.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:test-fn');
      assert.equal(j.awsRequestId, 'req-ctx-1');
      assert.equal(j.logGroupName, '/aws/lambda/test-fn');
      assert.equal(j.logStreamName, '2024/01/01/[$LATEST]abcdef');
      assert.ok(j.remaining > 50_000 && j.remaining <= 60_000, `remaining ${j.remaining}`);
      assert.equal(j.waits, true);
      assert.deepEqual(j.clientContext, { custom: { a: 1 } });
      assert.deepEqual(j.identity, { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' });
      assert.equal(j.trace, 'Root=1-abc-def;Sampled=1');
    });
  });

  test('500 sequential invokes on one connection and a 1 MB payload', async () => {
    await withBootstrap('node', { handler: 'index.echo', taskRoot: root }, async (h) => {
      for (let i = 0; i < 500; i++) {
        const r = await h.invoke({ i });
        assert.equal(r.kind, 'response');
        assert.deepEqual(r.json, { i });
      }
      const big = await h.invoke(ONE_MB_EVENT);
      assert.equal(big.kind, 'response');
      assert.equal(big.body.length, Buffer.byteLength(JSON.stringify(ONE_MB_EVENT)));
      assert.deepEqual(big.json, ONE_MB_EVENT);
      assertOneConnection(h);
    });
  });

  test('HTTP client: lower-case headers, chunked events, Connection: close, dropped connection', async () => {
    await withBootstrap('node', { handler: 'index.echo', taskRoot: root }, (h) => checkHttpRobustness(h));
  });

  test('thrown error -> /error with errorType, errorMessage, trace and header', async () => {
    await withBootstrap('node', { handler: 'index.throws', taskRoot: root }, async (h) => {
      const r = await h.invoke({}, { requestId: 'req-err-1' });
      assert.equal(r.kind, 'error');
      assert.equal(r.headers['lambda-runtime-function-error-type'], 'TypeError');
      assert.equal(r.json.errorType, 'TypeError');
      assert.equal(r.json.errorMessage, 'bad thing happened');
      assert.ok(Array.isArray(r.json.trace));
      assert.equal(r.json.trace[0], 'TypeError: bad thing happened');
      assert.match(r.json.trace[1], /index\.mjs/);
      // the runtime keeps serving after an error
      const again = await h.invoke({});
      assert.equal(again.kind, 'error');
      await waitStdout(
        h,
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-err-1\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad thing happened"/m,
      );
    });
  });

  test('custom error name is used as errorType', async () => {
    await withBootstrap('node', { handler: 'index.throwsCustom', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.json.errorType, 'MyError');
      assert.equal(r.headers['lambda-runtime-function-error-type'], 'MyError');
      assert.equal(r.json.errorMessage, 'custom');
    });
  });

  test('undefined result -> null; unserialisable result -> error', async () => {
    await withBootstrap('node', { handler: 'index.undef', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.kind, 'response');
      assert.equal(r.text, 'null');
    });
    await withBootstrap('node', { handler: 'index.circular', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.kind, 'error');
      assert.equal(r.json.errorMessage, 'Unable to stringify response body');
    });
  });

  test('console output uses the AWS line format on stdout', async () => {
    await withBootstrap('node', { handler: 'index.logs', taskRoot: root }, async (h) => {
      const r = await h.invoke({}, { requestId: 'req-log-1' });
      assert.equal(r.json, 'logged');
      await waitStdout(h, /\treq-log-1\tERROR\tError: oops\r {4}at /m);
      const out = h.stdout();
      assert.match(out, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-log-1\tINFO\thello world 42$/m);
      assert.match(out, /\treq-log-1\tWARN\tmulti\rline$/m);
      assert.equal(h.stderr(), '');
    });
  });

  test('callback handler (3 args) with async completion', async () => {
    await withBootstrap('node', { handler: 'cb.handler', taskRoot: root }, async (h) => {
      for (let i = 0; i < 3; i++) {
        const r = await h.invoke({ i });
        assert.equal(r.kind, 'response', h.output());
        assert.deepEqual(r.json, { cb: { i } });
      }
      assertOneConnection(h);
    });
  });

  test('callback errors: Error and plain string', async () => {
    await withBootstrap('node', { handler: 'cb.cbError', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.kind, 'error');
      assert.equal(r.json.errorType, 'RangeError');
      assert.equal(r.json.errorMessage, 'cb failure');
    });
    await withBootstrap('node', { handler: 'cb.cbString', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.kind, 'error');
      assert.deepEqual(r.json, { errorType: 'string', errorMessage: 'plain string failure', trace: [] });
      assert.equal(r.headers['lambda-runtime-function-error-type'], 'string');
    });
  });

  test('context.succeed / context.done / context.fail', async () => {
    await withBootstrap('node', { handler: 'cb.succeed', taskRoot: root }, async (h) => {
      assert.deepEqual((await h.invoke({})).json, { succeeded: true });
    });
    await withBootstrap('node', { handler: 'cb.done', taskRoot: root }, async (h) => {
      assert.deepEqual((await h.invoke(7)).json, { done: 7 });
    });
    await withBootstrap('node', { handler: 'cb.fail', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.kind, 'error');
      assert.equal(r.json.errorMessage, 'context.fail');
    });
  });

  test('callbackWaitsForEmptyEventLoop true waits for timers; false does not', async () => {
    await withBootstrap('node', { handler: 'cb.waits', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.json, 'after-drain');
    });
    await withBootstrap('node', { handler: 'cb.noWait', taskRoot: root }, async (h) => {
      const t0 = Date.now();
      const r = await h.invoke({});
      assert.equal(r.json, 'no-wait');
      assert.ok(Date.now() - t0 < 10_000);
    });
  });

  test('sync handler that never calls back -> null once the loop drains (AWS behaviour)', async () => {
    await withBootstrap('node', { handler: 'cb.syncReturn', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.kind, 'response');
      assert.equal(r.text, 'null');
    });
  });

  test('handler paths: dir/file, nested export, type:module .js, .cjs', async () => {
    const cases = [
      ['src/app.handler', { from: 'src/app', e: 1 }],
      ['index.nested.inner.fn', 'nested ok'],
      ['esm/main.handler', 'esm .js with type module'],
      ['lib.handler', 'cjs'],
    ];
    for (const [handler, expected] of cases) {
      await withBootstrap('node', { handler, taskRoot: root }, async (h) => {
        const r = await h.invoke(1);
        assert.equal(r.kind, 'response', `${handler}: ${h.output()}`);
        assert.deepEqual(r.json, expected);
      });
    }
  });

  const initCases = [
    ['missing.handler', 'Runtime.ImportModuleError', /^Error: Cannot find module 'missing'/],
    ['index.nope', 'Runtime.HandlerNotFound', /^index\.nope is undefined or not exported$/],
    ['index.notFn', 'Runtime.HandlerNotFound', /^index\.notFn is not a function$/],
    ['index', 'Runtime.MalformedHandlerName', /^Bad handler$/],
    ['../x.handler', 'Runtime.MalformedHandlerName', /not a valid handler name/],
    ['syntax.handler', 'Runtime.UserCodeSyntaxError', /^SyntaxError: Unexpected token/],
    ['initthrow.handler', 'Error', /^init boom$/],
  ];
  for (const [handler, type, message] of initCases) {
    test(`init error: ${handler} -> ${type}`, async () => {
      await withBootstrap('node', { handler, taskRoot: root }, async (h) => {
        const e = await h.initError();
        assert.equal(e.headers['lambda-runtime-function-error-type'], type);
        assert.equal(e.json.errorType, type);
        assert.match(e.json.errorMessage, message);
        assert.ok(Array.isArray(e.json.trace));
        const { code } = await h.exit();
        assert.equal(code, 129);
        await waitStdout(h, /\tundefined\tERROR\tUncaught Exception \t\{"errorType":/);
        assert.equal(h.api.requests.filter((r) => r.url.endsWith('/next')).length, 0);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Python
// ---------------------------------------------------------------------------------------------

describe('python bootstrap', { timeout: 120_000 }, () => {
  const root = path.join(tmp, 'python');
  before(() => {
    write(
      root,
      'app.py',
      `
import logging, os, sys
import decimal

def lambda_handler(event, context):
    return {
        "event": event,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "identity_id": context.identity.cognito_identity_id,
        "identity_pool": context.identity.cognito_identity_pool_id,
        "client_custom": context.client_context.custom if context.client_context else None,
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "cwd_on_path": sys.path[0],
    }

def echo(event, context):
    return event

def fail(event, context):
    helper()

def helper():
    raise ValueError("bad value")

def none(event, context):
    return None

def unserialisable(event, context):
    return {"x": object()}

def dec(event, context):
    return {"d": decimal.Decimal("1.5"), "i": decimal.Decimal("3")}

def logs(event, context):
    print("hello from print", end="")
    print(" and more")
    logging.getLogger().warning("warned %s", 42)
    logging.getLogger().info("hidden: root level is WARNING like AWS")
    return "logged"

not_callable = 5
`,
    );
    write(root, 'pkg/__init__.py', '');
    write(root, 'pkg/mod.py', 'def handler(event, context):\n    return "pkg.mod"\n');
    write(root, 'src/__init__.py', '');
    write(root, 'src/app.py', 'def handler(event, context):\n    return {"from": "src/app", "e": event}\n');
    write(root, 'syntax.py', 'def handler(event, context):\n    return 1 +\n');
    write(root, 'initthrow.py', 'raise KeyError("init boom")\n');
    write(root, 'importsmissing.py', 'import not_a_real_module_xyz\n');
  });

  test('result, context fields, trace id', async () => {
    await withBootstrap('python', { handler: 'app.lambda_handler', taskRoot: root }, async (h) => {
      const deadline = Date.now() + 60_000;
      const r = await h.invoke(
        { hello: 'world' },
        {
          requestId: 'py-ctx-1',
          deadlineMs: deadline,
          traceId: 'Root=1-py;Sampled=1',
          clientContext: { custom: { a: 1 }, env: {}, client: {} },
          cognitoIdentity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
        },
      );
      assert.equal(r.kind, 'response', h.output());
      assert.ok(r.headers['content-length']);
      const j = r.json;
      assert.deepEqual(j.event, { hello: 'world' });
      assert.equal(j.function_name, 'test-fn');
      assert.equal(j.function_version, '$LATEST');
      assert.equal(j.invoked_function_arn, 'arn:aws:lambda:us-east-1:000000000000:function:test-fn');
      assert.equal(j.memory_limit_in_mb, '256'); // a string, as in awslambdaric
      assert.equal(j.aws_request_id, 'py-ctx-1');
      assert.equal(j.log_group_name, '/aws/lambda/test-fn');
      assert.equal(j.log_stream_name, '2024/01/01/[$LATEST]abcdef');
      assert.ok(j.remaining > 50_000 && j.remaining <= 60_000, `remaining ${j.remaining}`);
      assert.equal(j.identity_id, 'id-1');
      assert.equal(j.identity_pool, 'pool-1');
      assert.deepEqual(j.client_custom, { a: 1 });
      assert.equal(j.trace, 'Root=1-py;Sampled=1');
      assert.equal(j.cwd_on_path, root);
    });
  });

  test('500 sequential invokes on one connection and a 1 MB payload', async () => {
    await withBootstrap('python', { handler: 'app.echo', taskRoot: root }, async (h) => {
      for (let i = 0; i < 500; i++) {
        const r = await h.invoke({ i });
        assert.equal(r.kind, 'response');
        assert.deepEqual(r.json, { i });
      }
      const big = await h.invoke(ONE_MB_EVENT);
      assert.equal(big.kind, 'response');
      assert.deepEqual(big.json, ONE_MB_EVENT);
      assertOneConnection(h);
    });
  });

  test('HTTP client: lower-case headers, chunked events, Connection: close, dropped connection', async () => {
    await withBootstrap('python', { handler: 'app.echo', taskRoot: root }, (h) => checkHttpRobustness(h));
  });

  test('raised exception -> /error with AWS error body and header', async () => {
    await withBootstrap('python', { handler: 'app.fail', taskRoot: root }, async (h) => {
      const r = await h.invoke({}, { requestId: 'py-err-1' });
      assert.equal(r.kind, 'error');
      assert.equal(r.headers['lambda-runtime-function-error-type'], 'ValueError');
      assert.equal(r.json.errorType, 'ValueError');
      assert.equal(r.json.errorMessage, 'bad value');
      assert.equal(r.json.requestId, 'py-err-1');
      assert.equal(r.json.stackTrace.length, 2, JSON.stringify(r.json.stackTrace));
      assert.match(r.json.stackTrace[0], /app\.py", line \d+, in fail\n {4}helper\(\)\n/);
      assert.match(r.json.stackTrace[1], /in helper\n/);
      assert.ok(!r.json.stackTrace.join('').includes('bootstrap.py'));
      await waitStdout(h, /\[ERROR\] ValueError: bad value\rTraceback \(most recent call last\):\r/);
      const again = await h.invoke({});
      assert.equal(again.kind, 'error');
    });
  });

  test('None -> null, Decimal, unserialisable -> Runtime.MarshalError', async () => {
    await withBootstrap('python', { handler: 'app.none', taskRoot: root }, async (h) => {
      assert.equal((await h.invoke({})).text, 'null');
    });
    await withBootstrap('python', { handler: 'app.dec', taskRoot: root }, async (h) => {
      assert.deepEqual((await h.invoke({})).json, { d: 1.5, i: 3 });
    });
    await withBootstrap('python', { handler: 'app.unserialisable', taskRoot: root }, async (h) => {
      const r = await h.invoke({});
      assert.equal(r.kind, 'error');
      assert.equal(r.json.errorType, 'Runtime.MarshalError');
      assert.equal(r.headers['lambda-runtime-function-error-type'], 'Runtime.MarshalError');
      assert.match(r.json.errorMessage, /^Unable to marshal response: Object of type object is not JSON serializable/);
    });
  });

  test('print is unbuffered; logging uses the AWS format', async () => {
    await withBootstrap('python', { handler: 'app.logs', taskRoot: root }, async (h) => {
      const r = await h.invoke({}, { requestId: 'py-log-1' });
      assert.equal(r.json, 'logged');
      await waitStdout(h, /^\[WARNING\]/m);
      const out = h.stdout();
      assert.match(out, /^hello from print and more$/m);
      assert.match(out, /^\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tpy-log-1\twarned 42$/m);
      assert.ok(!out.includes('hidden'));
    });
  });

  test('handler paths: dotted package, dir/file', async () => {
    for (const [handler, expected] of [
      ['pkg.mod.handler', 'pkg.mod'],
      ['src/app.handler', { from: 'src/app', e: 1 }],
    ]) {
      await withBootstrap('python', { handler, taskRoot: root }, async (h) => {
        const r = await h.invoke(1);
        assert.equal(r.kind, 'response', `${handler}: ${h.output()}`);
        assert.deepEqual(r.json, expected);
      });
    }
  });

  const initCases = [
    ['missing.handler', 'Runtime.ImportModuleError', /^Unable to import module 'missing': No module named 'missing'$/],
    ['importsmissing.handler', 'Runtime.ImportModuleError', /No module named 'not_a_real_module_xyz'/],
    ['app.nope', 'Runtime.HandlerNotFound', /^Handler 'nope' missing on module 'app'$/],
    ['syntax.handler', 'Runtime.UserCodeSyntaxError', /^Syntax error in module 'syntax': invalid syntax/],
    ['nodot', 'Runtime.MalformedHandlerName', /^Bad handler 'nodot'/],
    ['sys.handler', 'Runtime.BuiltInModuleConflict', /built-in module sys/],
    ['initthrow.handler', 'KeyError', /init boom/],
  ];
  for (const [handler, type, message] of initCases) {
    test(`init error: ${handler} -> ${type}`, async () => {
      await withBootstrap('python', { handler, taskRoot: root }, async (h) => {
        const e = await h.initError();
        assert.equal(e.headers['lambda-runtime-function-error-type'], type, h.output());
        assert.equal(e.json.errorType, type);
        assert.match(e.json.errorMessage, message);
        assert.ok(Array.isArray(e.json.stackTrace));
        const { code } = await h.exit();
        assert.equal(code, 1);
        await waitStdout(h, /^\[ERROR\] Runtime\.|^\[ERROR\] KeyError/m);
        assert.equal(h.api.requests.filter((r) => r.url.endsWith('/next')).length, 0);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// C echo bootstrap (provided.al2023 style)
// ---------------------------------------------------------------------------------------------

describe('c-echo bootstrap', { timeout: 120_000 }, () => {
  const bin = path.join(tmp, 'c-echo-bootstrap');
  let built = false;
  let buildOutput = '';
  before(() => {
    const r = spawnSync('sh', [path.join(C_DIR, 'build.sh'), bin], { encoding: 'utf8' });
    built = r.status === 0;
    buildOutput = r.stdout + r.stderr;
    if (!built) console.error(`c-echo build failed:\n${r.stdout}\n${r.stderr}`);
  });

  test('builds without warnings (-Wall -Wextra)', (t) => {
    if (!built) return t.skip('gcc unavailable');
    assert.ok(fs.existsSync(bin));
    assert.equal(buildOutput.trim(), '');
  });

  test('echo: many invokes on one connection, 1 MB and 6 MB bodies', async (t) => {
    if (!built) return t.skip('gcc unavailable');
    await withBootstrap('c', { command: [bin] }, async (h) => {
      for (let i = 0; i < 500; i++) {
        const r = await h.invoke({ i });
        assert.equal(r.kind, 'response');
        assert.deepEqual(r.json, { i });
        assert.equal(r.headers['content-length'], String(Buffer.byteLength(JSON.stringify({ i }))));
      }
      const big = await h.invoke(ONE_MB_EVENT);
      assert.deepEqual(big.json, ONE_MB_EVENT);
      const six = Buffer.alloc(6 * 1024 * 1024 - 2, 'y');
      const sixBody = `"${six.toString()}"`;
      const r6 = await h.invoke(null, { rawBody: sixBody });
      assert.equal(r6.body.length, sixBody.length);
      assert.ok(r6.body.equals(Buffer.from(sixBody)));
      assertOneConnection(h);
    });
  });

  test('HTTP client: lower-case headers, chunked events, Connection: close, dropped connection', async (t) => {
    if (!built) return t.skip('gcc unavailable');
    await withBootstrap('c', { command: [bin] }, (h) => checkHttpRobustness(h));
  });
});
