// bare_mhd: the floor for hookd's HTTP layer — libmicrohttpd answering every GET with a fixed
// JSON body, in the same thread mode as hookd (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL,
// see PERF-NOTES item 4) and the same access-handler pattern (queue on the second call,
// PERF-NOTES item 3). Compare against hookd with wrk, e.g. `wrk -c32 -t2 -d10s http://127.0.0.1:8743/`.
//
// build: cc -O2 -o bench/bin/bare_mhd bench/bare_mhd.c -lmicrohttpd
// run:   bench/bin/bare_mhd [port=8743] [body_bytes=256] [thread_pool=1]
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *body;
static size_t body_size;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    static int marker;
    (void)cls; (void)url; (void)version; (void)upload_data;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0) return MHD_NO;
    // First call: headers only. Queueing now would make MHD send `Connection: close`.
    if (*con_cls == NULL) {
        *con_cls = &marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) return MHD_NO;  // GET bodies are not expected
    struct MHD_Response *response =
        MHD_create_response_from_buffer(body_size, body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result result = MHD_queue_response(connection, MHD_HTTP_OK, response);
    MHD_destroy_response(response);
    return result;
}

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 8743;
    body_size = argc > 2 ? (size_t)atol(argv[2]) : 256;
    unsigned pool = argc > 3 ? (unsigned)atoi(argv[3]) : 1;
    if (body_size < 2) body_size = 2;
    // A valid JSON string of the requested size: "xxxx…".
    body = malloc(body_size);
    memset(body, 'x', body_size);
    body[0] = '"';
    body[body_size - 1] = '"';

    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, &on_request, NULL, MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_TIMEOUT,
        30u, pool > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, pool, MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "bare_mhd: cannot start on port %u\n", port);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    fprintf(stderr, "bare_mhd: listening on port %u, %zu-byte body, pool %u\n", port, body_size, pool);
    while (!stop) pause();
    MHD_stop_daemon(daemon);
    free(body);
    return 0;
}
