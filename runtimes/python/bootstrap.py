"""Nimbus Python bootstrap: a Lambda Runtime API (2018-06-01) client loop that follows the AWS
python3.x handler conventions (handler resolution, LambdaContext, error JSON, logging format).

Launched by Nimbus as:  python3 <runtimes>/python/bootstrap.py   (cwd = LAMBDA_TASK_ROOT)
Required env: AWS_LAMBDA_RUNTIME_API (host:port), _HANDLER, LAMBDA_TASK_ROOT.
Only the Python standard library is used.
"""

import decimal
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE, as in AWS's text-format error log

_THIS_FILE = os.path.abspath(__file__)


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# ----------------------------------------------------------------------------------------------
# stdout / stderr: every write is flushed immediately (AWS wraps both streams the same way)
# ----------------------------------------------------------------------------------------------


class Unbuffered(object):
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        n = self.stream.write(msg)
        self.stream.flush()
        return n

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


# ----------------------------------------------------------------------------------------------
# Runtime API client: one persistent HTTP/1.1 connection, Content-Length request bodies.
#
# A minimal HTTP/1.1 client on the socket module rather than http.client: http.client parses
# headers through the email package and costs ~200 us per request on small machines (twice per
# invoke), this one a few tens of microseconds. It handles Content-Length, chunked and
# close-delimited responses, "Connection: close", interim 1xx responses, and reconnects
# (retrying the request once) when the server drops the connection. No timeouts: GET next is a
# long poll.
# ----------------------------------------------------------------------------------------------


def _parse_host_port(value):
    if not value:
        raise RuntimeError("AWS_LAMBDA_RUNTIME_API is not set")
    host, sep, port = value.rpartition(":")
    if not sep or value.endswith("]"):
        return value.strip("[]"), 80
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


class _ConnectionLost(Exception):
    pass


class RuntimeClient(object):
    def __init__(self, address):
        self.host, self.port = _parse_host_port(address)
        host_header = "[%s]:%d" % (self.host, self.port) if ":" in self.host else "%s:%d" % (
            self.host,
            self.port,
        )
        self.host_header = host_header.encode("latin-1")
        self.next_request = (
            b"GET " + API_PREFIX.encode() + b"/invocation/next HTTP/1.1\r\nHost: " + self.host_header + b"\r\n\r\n"
        )
        self.sock = None
        self.buf = b""

    # -- connection -------------------------------------------------------------------------

    def _connect(self):
        sock = socket.create_connection((self.host, self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.buf = b""

    def _reset(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.buf = b""

    def _recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise _ConnectionLost()
        return data

    def _read_until(self, marker):
        """Returns the bytes before marker (consumed together with marker)."""
        buf = self.buf
        i = buf.find(marker)
        while i < 0:
            start = max(0, len(buf) - len(marker) + 1)
            buf += self._recv()
            i = buf.find(marker, start)
        self.buf = buf[i + len(marker) :]
        return buf[:i]

    def _read_exact(self, n):
        buf = self.buf
        if len(buf) >= n:
            self.buf = buf[n:]
            return buf[:n]
        out = bytearray(n)
        view = memoryview(out)
        have = len(buf)
        view[:have] = buf
        self.buf = b""
        sock = self.sock
        while have < n:
            got = sock.recv_into(view[have:], min(n - have, 1 << 20))
            if not got:
                raise _ConnectionLost()
            have += got
        return bytes(out)

    def _read_response(self):
        while True:
            head = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
            status_line = head[0]
            status = int(status_line[9:12])
            if 100 <= status < 200:
                continue  # interim response
            break
        headers = {}
        for line in head[1:]:
            name, sep, value = line.partition(":")
            if sep:
                name = name.strip().lower()
                if name not in headers:
                    headers[name] = value.strip()
        close = "close" in headers.get("connection", "").lower() or status_line.startswith("HTTP/1.0")
        if headers.get("transfer-encoding", "").lower().rstrip().endswith("chunked"):
            parts = []
            while True:
                size = int(self._read_until(b"\r\n").split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self._read_until(b"\r\n"):  # trailers
                        pass
                    break
                parts.append(self._read_exact(size))
                self._read_exact(2)
            body = b"".join(parts)
        elif "content-length" in headers:
            body = self._read_exact(int(headers["content-length"]))
        elif status in (204, 304):
            body = b""
        else:
            chunks = [self.buf]
            self.buf = b""
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
            body = b"".join(chunks)
            close = True
        if close:
            self._reset()
        return status, headers, body

    def _request(self, request_bytes, body=None):
        for attempt in (0, 1):
            try:
                if self.sock is None:
                    self._connect()
                if body is None:
                    self.sock.sendall(request_bytes)
                elif len(body) < 65536:
                    self.sock.sendall(request_bytes + body)
                else:
                    self.sock.sendall(request_bytes)
                    self.sock.sendall(body)
                return self._read_response()
            except (_ConnectionLost, OSError):
                self._reset()
                if attempt:
                    raise

    # -- Runtime API ------------------------------------------------------------------------

    def wait_next_invocation(self):
        status, headers, body = self._request(self.next_request)
        if status != 200:
            raise RuntimeError(
                "GET next failed: HTTP %d %s" % (status, body.decode("utf-8", "replace"))
            )
        return headers, body

    def _post(self, path, body, extra_headers=b""):
        head = b"".join(
            (
                b"POST ",
                path.encode("latin-1"),
                b" HTTP/1.1\r\nHost: ",
                self.host_header,
                b"\r\nContent-Type: application/json\r\nContent-Length: ",
                str(len(body)).encode(),
                b"\r\n",
                extra_headers,
                b"\r\n",
            )
        )
        status, _, data = self._request(head, body)
        if status >= 300:
            # e.g. 413 (response too large): report and carry on, like AWS.
            sys.stderr.write(
                "[nimbus-bootstrap] POST %s -> HTTP %d %s\n"
                % (path, status, data.decode("utf-8", "replace"))
            )

    def post_invocation_result(self, invoke_id, result_bytes, content_type="application/json"):
        # AWS sends bytes results as application/unknown; the body is posted verbatim either way.
        self._post(API_PREFIX + "/invocation/" + _quote_id(invoke_id) + "/response", result_bytes)

    def post_invocation_error(self, invoke_id, error_result):
        self._post_error(
            API_PREFIX + "/invocation/" + _quote_id(invoke_id) + "/error", error_result
        )

    def post_init_error(self, error_result):
        self._post_error(API_PREFIX + "/init/error", error_result)

    def _post_error(self, path, error_result):
        body = to_json(error_result).encode("utf-8")
        error_type = "".join(c for c in str(error_result.get("errorType", "")) if " " <= c <= "~")
        self._post(path, body, (ERROR_TYPE_HEADER + ": " + error_type + "\r\n").encode("latin-1"))


# ----------------------------------------------------------------------------------------------
# JSON marshalling
# ----------------------------------------------------------------------------------------------


def _default(obj):
    if isinstance(obj, decimal.Decimal):
        # AWS emits the decimal's exact text; the stdlib encoder can only emit int/float.
        if obj.is_nan():
            return float("nan")
        if obj == obj.to_integral_value():
            return int(obj)
        return float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


# Like awslambdaric: non-ASCII is escaped except on python3.12, where AWS emits raw UTF-8.
_encoder = json.JSONEncoder(
    default=_default, ensure_ascii=os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"
)
to_json = _encoder.encode


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response).encode("utf-8"), "application/json"
    except Exception as e:
        raise FaultException(
            FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)), None
        )


def unmarshal_request(body, content_type):
    # AWS only sends application/json; tolerate parameters such as "; charset=utf-8".
    if content_type and not content_type.lower().startswith("application/json"):
        return body
    try:
        return json.loads(body) if body else None
    except Exception as e:
        raise FaultException(
            FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)), None
        )


# ----------------------------------------------------------------------------------------------
# Context object (same attributes as awslambdaric's LambdaContext)
# ----------------------------------------------------------------------------------------------


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id,
            self.cognito_identity_pool_id,
        )


class Client(object):
    __slots__ = [
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    ]

    def __repr__(self):
        return "Client([%s])" % ",".join("%s=%s" % (f, getattr(self, f)) for f in self.__slots__)


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def _obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field))
    return obj


_ENV = os.environ
# Constant for the life of the sandbox; read once instead of on every invoke.
_LOG_GROUP = _ENV.get("AWS_LAMBDA_LOG_GROUP_NAME")
_LOG_STREAM = _ENV.get("AWS_LAMBDA_LOG_STREAM_NAME")
_FUNCTION_NAME = _ENV.get("AWS_LAMBDA_FUNCTION_NAME")
_MEMORY = _ENV.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
_FUNCTION_VERSION = _ENV.get("AWS_LAMBDA_FUNCTION_VERSION")


class LambdaContext(object):
    def __init__(
        self,
        invoke_id,
        client_context,
        cognito_identity,
        epoch_deadline_time_in_ms,
        invoked_function_arn=None,
    ):
        self.aws_request_id = invoke_id
        self.log_group_name = _LOG_GROUP
        self.log_stream_name = _LOG_STREAM
        self.function_name = _FUNCTION_NAME
        # AWS's awslambdaric passes the environment string through unchanged (not an int).
        self.memory_limit_in_mb = _MEMORY
        self.function_version = _FUNCTION_VERSION
        self.invoked_function_arn = invoked_function_arn
        self.client_context = cc = _obj_from_dict(ClientContext, client_context)
        if cc is not None:
            cc.client = _obj_from_dict(Client, cc.client)
        self.identity = identity = CognitoIdentity()
        if cognito_identity is not None:
            identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        else:
            identity.cognito_identity_id = identity.cognito_identity_pool_id = None
        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
            "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
            "invoked_function_arn=%s,client_context=%s,identity=%s])"
            % (
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
                self.client_context,
                self.identity,
            )
        )


def _parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR,
            "Unable to parse {} JSON: {}".format(name, str(e)),
            None,
        )


# ----------------------------------------------------------------------------------------------
# Errors and logging
# ----------------------------------------------------------------------------------------------


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_frames(tb):
    """Traceback frames with the leading bootstrap frames removed."""
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if frame.filename != _THIS_FILE:
            return traceback.StackSummary.from_list(frames[i:])
    return frames


def build_fault_result(exc_info, invoke_id=None):
    etype, value, tb = exc_info
    return make_error(str(value), etype.__name__, _user_frames(tb).format(), invoke_id)


def _replace_indent(line):
    n = len(line) - len(line.lstrip(" "))
    return ERROR_LOG_IDENT * n + line[n:]


def log_error(error_result):
    description = "[ERROR]"
    etype = error_result.get("errorType")
    if etype:
        description += " " + etype
    emsg = error_result.get("errorMessage")
    if emsg:
        if etype:
            description += ":"
        description += " " + emsg
    lines = [description]
    stack = error_result.get("stackTrace")
    if stack is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack:
            if element == "":
                lines.append("")
            else:
                lines.extend(_replace_indent(l) for l in element.splitlines())
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


_GLOBAL_AWS_REQUEST_ID = None


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        try:
            sys.stdout.write(self.format(record))
        except Exception:
            self.handleError(record)


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _GLOBAL_AWS_REQUEST_ID or ""
        return True


def _setup_logging():
    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(LambdaLoggerFilter())
    level = (_ENV.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    if level == "TRACE":
        level = "DEBUG"
    elif level == "FATAL":
        level = "CRITICAL"
    if level in logging._nameToLevel:
        logger.setLevel(level)
    logger.addHandler(handler)


# ----------------------------------------------------------------------------------------------
# Handler loading
# ----------------------------------------------------------------------------------------------


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e))
        )
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR,
            "Unable to import module '{}': {}".format(modname, str(e)),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )
    try:
        return getattr(m, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' missing on module '{}'".format(fname, modname),
            None,
        )


# ----------------------------------------------------------------------------------------------
# Invoke loop
# ----------------------------------------------------------------------------------------------


def handle_event_request(client, request_handler, invoke_id, headers, body):
    error_result = None
    try:
        cc = headers.get("lambda-runtime-client-context")
        ci = headers.get("lambda-runtime-cognito-identity")
        deadline = headers.get("lambda-runtime-deadline-ms")
        context = LambdaContext(
            invoke_id,
            _parse_json_header(cc, "Client Context") if cc else None,
            _parse_json_header(ci, "Cognito Identity") if ci else None,
            int(deadline) if deadline else 0,
            headers.get("lambda-runtime-invoked-function-arn"),
        )
        event = unmarshal_request(body, headers.get("content-type"))
        response = request_handler(event, context)
        result, content_type = marshal_response(response)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error_result = build_fault_result(sys.exc_info(), invoke_id)

    if error_result is not None:
        log_error(error_result)
        client.post_invocation_error(invoke_id, error_result)
    else:
        client.post_invocation_result(invoke_id, result, content_type)


def main():
    global _GLOBAL_AWS_REQUEST_ID
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)

    # User code must not see this script's directory on sys.path (a module named "bootstrap"
    # in the task root would otherwise resolve to us); the task root goes first.
    here = os.path.dirname(_THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    task_root = _ENV.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path.insert(0, task_root)

    client = RuntimeClient(_ENV.get("AWS_LAMBDA_RUNTIME_API"))

    try:
        _setup_logging()
        request_handler = get_handler(_ENV.get("_HANDLER") or "")
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error_result = build_fault_result(sys.exc_info())
    else:
        error_result = None
    if error_result is not None:
        log_error(error_result)
        try:
            client.post_init_error(error_result)
        finally:
            sys.exit(1)

    while True:
        headers, body = client.wait_next_invocation()
        invoke_id = headers.get("lambda-runtime-aws-request-id")
        if not invoke_id:
            raise RuntimeError("invocation id is missing or invalid")
        _GLOBAL_AWS_REQUEST_ID = invoke_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id is not None:
            _ENV["_X_AMZN_TRACE_ID"] = trace_id
        elif "_X_AMZN_TRACE_ID" in _ENV:
            del _ENV["_X_AMZN_TRACE_ID"]
        handle_event_request(client, request_handler, invoke_id, headers, body)


def _quote_id(invoke_id):
    # Request ids are UUIDs in practice; percent-encode anything that is not URL-path safe.
    if invoke_id.replace("-", "").isalnum() and invoke_id.isascii():
        return invoke_id
    from urllib.parse import quote

    return quote(invoke_id, safe="")


if __name__ == "__main__":
    main()
