/*
 * Nimbus benchmark function: an echo "provided.al2023" custom runtime in plain C.
 *
 * Loop: GET /2018-06-01/runtime/invocation/next  ->  POST /invocation/{id}/response with the
 * same body. One keep-alive TCP connection (reconnects if the server closes it), Content-Length
 * request bodies, responses read with Content-Length or chunked encoding, any body size.
 *
 * Env: AWS_LAMBDA_RUNTIME_API=host:port (IPv6 as [addr]:port).
 * Build: ./build.sh   (gcc -O2 -o bootstrap bootstrap.c)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char api_host[256];
static char api_port[16];
static int sock = -1;

/* Receive buffer: unread data is buf[rpos, rlen). */
static char *buf;
static size_t bcap, rpos, rlen;

/* De-chunked body (only used for Transfer-Encoding: chunked responses). */
static char *cbody;
static size_t ccap;

struct response {
    int status;
    int close;
    char id[512];
    const char *body;
    size_t body_len;
};

static void die(const char *msg) {
    fprintf(stderr, "[c-echo] %s: %s\n", msg, errno ? strerror(errno) : "error");
    exit(1);
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (!q) die("out of memory");
    return q;
}

static void parse_api(const char *v) {
    if (!v || !*v) { errno = 0; die("AWS_LAMBDA_RUNTIME_API is not set"); }
    const char *colon = strrchr(v, ':');
    size_t hl = colon ? (size_t)(colon - v) : strlen(v);
    const char *h = v;
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') { h++; hl -= 2; }
    if (hl >= sizeof api_host) { errno = 0; die("AWS_LAMBDA_RUNTIME_API host too long"); }
    memcpy(api_host, h, hl);
    api_host[hl] = 0;
    snprintf(api_port, sizeof api_port, "%s", colon ? colon + 1 : "80");
}

static void disconnect(void) {
    if (sock >= 0) close(sock);
    sock = -1;
    rpos = rlen = 0;
}

static int connect_api(void) {
    struct addrinfo hints = {0}, *res, *ai;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(api_host, api_port, &hints, &res) != 0) return -1;
    for (ai = res; ai; ai = ai->ai_next) {
        int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0) continue;
        if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
            int one = 1;
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            sock = s;
            break;
        }
        close(s);
    }
    freeaddrinfo(res);
    rpos = rlen = 0;
    return sock >= 0 ? 0 : -1;
}

/* Send all iovecs (handles partial writes). */
static int send_all(struct iovec *iov, int n) {
    while (n > 0) {
        ssize_t w = writev(sock, iov, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) { w -= iov->iov_len; iov++; n--; }
        if (n > 0) { iov->iov_base = (char *)iov->iov_base + w; iov->iov_len -= w; }
    }
    return 0;
}

/* Ensure at least `need` unread bytes are buffered (need counted from rpos). 0 ok, -1 EOF/error. */
static int fill(size_t need) {
    while (rlen - rpos < need) {
        if (rpos > 0 && rpos == rlen) rpos = rlen = 0;
        if (rlen == bcap || bcap - rlen < 65536) {
            size_t want = rpos + need > bcap ? rpos + need : bcap;
            if (want - rlen < 65536) want = rlen + 65536;
            if (want > bcap) { bcap = want; buf = xrealloc(buf, bcap); }
        }
        ssize_t r = recv(sock, buf + rlen, bcap - rlen, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        rlen += (size_t)r;
    }
    return 0;
}

/* Returns offset (from rpos) just past "\r\n\r\n", reading more as needed; -1 on EOF. */
static long find_header_end(void) {
    size_t scanned = 0;
    for (;;) {
        size_t avail = rlen - rpos;
        if (avail >= 4) {
            size_t from = scanned > 3 ? scanned - 3 : 0;
            char *p = memmem(buf + rpos + from, avail - from, "\r\n\r\n", 4);
            if (p) return (long)(p - (buf + rpos)) + 4;
            scanned = avail;
        }
        if (fill(avail + 1) < 0) return -1;
    }
}

/* Reads one HTTP/1.1 response. Body stays valid until the next read_response(). */
static int read_response(struct response *r) {
    /* Compact the buffer so offsets stay small. */
    if (rpos > 0) {
        memmove(buf, buf + rpos, rlen - rpos);
        rlen -= rpos;
        rpos = 0;
    }
    long hend = find_header_end();
    if (hend < 0) return -1;

    r->status = 0;
    r->close = 0;
    r->id[0] = 0;
    r->body = NULL;
    r->body_len = 0;
    long long content_length = -1;
    int chunked = 0;

    char *line = buf + rpos;
    char *end = buf + rpos + hend - 2; /* last CRLF of the header block */
    int first = 1;
    while (line < end) {
        char *eol = memmem(line, (size_t)(end - line) + 2, "\r\n", 2);
        if (!eol) break;
        if (first) {
            /* HTTP/1.1 200 OK */
            char *sp = memchr(line, ' ', (size_t)(eol - line));
            if (sp) r->status = atoi(sp + 1);
            if ((size_t)(eol - line) >= 8 && memcmp(line, "HTTP/1.0", 8) == 0) r->close = 1;
            first = 0;
        } else {
            char *colon = memchr(line, ':', (size_t)(eol - line));
            if (colon) {
                size_t nl = (size_t)(colon - line);
                char *v = colon + 1;
                while (v < eol && (*v == ' ' || *v == '\t')) v++;
                char *ve = eol;
                while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
                size_t vl = (size_t)(ve - v);
                if (nl == 14 && strncasecmp(line, "content-length", 14) == 0) {
                    content_length = strtoll(v, NULL, 10);
                } else if (nl == 17 && strncasecmp(line, "transfer-encoding", 17) == 0) {
                    if (vl >= 7 && strncasecmp(ve - 7, "chunked", 7) == 0) chunked = 1;
                } else if (nl == 10 && strncasecmp(line, "connection", 10) == 0) {
                    if (vl == 5 && strncasecmp(v, "close", 5) == 0) r->close = 1;
                } else if (nl == 29 && strncasecmp(line, "lambda-runtime-aws-request-id", 29) == 0) {
                    if (vl >= sizeof r->id) vl = sizeof r->id - 1;
                    memcpy(r->id, v, vl);
                    r->id[vl] = 0;
                }
            }
        }
        line = eol + 2;
    }
    rpos += (size_t)hend;

    if (chunked) {
        size_t total = 0;
        for (;;) {
            long le;
            for (;;) { /* chunk-size line */
                char *p = memmem(buf + rpos, rlen - rpos, "\r\n", 2);
                if (p) { le = (long)(p - (buf + rpos)); break; }
                if (fill(rlen - rpos + 1) < 0) return -1;
            }
            size_t sz = strtoull(buf + rpos, NULL, 16);
            rpos += (size_t)le + 2;
            if (sz == 0) { /* trailers until empty line */
                for (;;) {
                    if (fill(2) < 0) return -1;
                    char *p = memmem(buf + rpos, rlen - rpos, "\r\n", 2);
                    if (!p) { if (fill(rlen - rpos + 1) < 0) return -1; continue; }
                    size_t ll = (size_t)(p - (buf + rpos));
                    rpos += ll + 2;
                    if (ll == 0) break;
                }
                break;
            }
            if (fill(sz + 2) < 0) return -1;
            if (total + sz > ccap) { ccap = (total + sz) * 2; cbody = xrealloc(cbody, ccap); }
            memcpy(cbody + total, buf + rpos, sz);
            total += sz;
            rpos += sz + 2;
        }
        r->body = cbody;
        r->body_len = total;
    } else if (content_length > 0) {
        if (fill((size_t)content_length) < 0) return -1;
        r->body = buf + rpos;
        r->body_len = (size_t)content_length;
        rpos += (size_t)content_length;
    } else if (content_length < 0 && r->status != 204 && r->status != 304) {
        /* No length: body runs until the server closes the connection. */
        while (fill(rlen - rpos + 1) == 0) {}
        r->body = buf + rpos;
        r->body_len = rlen - rpos;
        rpos = rlen;
        r->close = 1;
    }
    return 0;
}

static const char NEXT_REQ[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n";

static void next_invocation(struct response *r) {
    char req[512];
    int n = snprintf(req, sizeof req, NEXT_REQ, api_host);
    for (int attempt = 0;; attempt++) {
        if (sock < 0 && connect_api() < 0) {
            if (attempt >= 20) die("cannot connect to the Runtime API");
            usleep(50000);
            continue;
        }
        struct iovec iov = {req, (size_t)n};
        if (send_all(&iov, 1) == 0 && read_response(r) == 0) {
            if (r->close) { /* body already buffered; next request needs a new connection */
                int s = sock; sock = -1; close(s); /* keep rpos/rlen: body still in buf */
            }
            return;
        }
        disconnect();
        if (attempt >= 20) die("Runtime API connection failed");
    }
}

static void url_encode(const char *in, char *out, size_t cap) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *in && o + 4 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = 0;
}

static void post_response(const char *id, const char *body, size_t len) {
    char eid[1600], hdr[2048];
    url_encode(id, eid, sizeof eid);
    int n = snprintf(hdr, sizeof hdr,
                     "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n"
                     "Host: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     eid, api_host, len);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (sock < 0 && connect_api() < 0) die("cannot connect to the Runtime API");
        struct iovec iov[2] = {{hdr, (size_t)n}, {(void *)body, len}};
        struct response r;
        if (send_all(iov, len ? 2 : 1) == 0 && read_response(&r) == 0) {
            if (r.status >= 300) fprintf(stderr, "[c-echo] POST response for %s -> HTTP %d\n", id, r.status);
            if (r.close) disconnect();
            return;
        }
        disconnect();
    }
    die("POST response failed");
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    parse_api(getenv("AWS_LAMBDA_RUNTIME_API"));
    bcap = 1 << 20;
    buf = xrealloc(NULL, bcap);

    struct response r;
    char *body = NULL;
    size_t body_cap = 0;
    for (;;) {
        next_invocation(&r);
        if (r.status != 200) {
            fprintf(stderr, "[c-echo] GET next -> HTTP %d\n", r.status);
            errno = 0;
            die("unexpected status from /invocation/next");
        }
        if (!r.id[0]) { errno = 0; die("missing Lambda-Runtime-Aws-Request-Id"); }
        /* The body lives in the receive buffer, which the POST's response read reuses: copy it
         * unless it is the de-chunked buffer. Bodies are small relative to memcpy bandwidth. */
        const char *out = r.body;
        if (r.body_len && r.body != cbody) {
            if (r.body_len > body_cap) { body_cap = r.body_len; body = xrealloc(body, body_cap); }
            memcpy(body, r.body, r.body_len);
            out = body;
        }
        char id[sizeof r.id];
        memcpy(id, r.id, sizeof id);
        post_response(id, out ? out : "", r.body_len);
    }
}
