#ifndef AIRENV_HTTP_EXCHANGE_H
#define AIRENV_HTTP_EXCHANGE_H

#include <stddef.h>

/* One HTTP request and its answer through libcurl, for a transport that keeps one connection
 * per handle alive between requests. Certificates and host names are verified, redirects are
 * never followed, only http and https are spoken, and no signal is used for timeouts (the
 * caller's threads run requests side by side). */

typedef struct airenv_http_answer {
  long status;           /* the HTTP status, 0 when no answer came */
  unsigned char *body;   /* malloc'd; released by airenv_http_answer_release */
  size_t length;
  int failure;           /* 0, or the CURLcode of why there is no answer */
  int too_large;         /* 1 when the answer grew past the limit given */
  int out_of_memory;     /* 1 when the answer could not be held */
  int refused_setting;   /* 1 when libcurl refused a setting the request needs to be safe */
  char reason[256];      /* libcurl's words for the failure */
} airenv_http_answer;

/* Once, before the first handle: loads libcurl. 0 on success, else -1 with why in `reason`. */
int airenv_http_start(char *reason, size_t size);

/* A handle holds a connection between requests; NULL when libcurl could not make one. */
void *airenv_http_handle_new(void);
void airenv_http_handle_free(void *handle);

/* Sends `method` to `url` with `headers` ("Name: value") and `body` (may be NULL), within
 * `timeout_seconds` for the whole exchange; an answer longer than `maximum_length` is cut off
 * and reported as too large. `trusted` (may be NULL) is PEM text whose certificates are trusted
 * instead of the system's CA store. */
void airenv_http_exchange(void *handle, const char *method, const char *url,
                          const char *const *headers, size_t header_count,
                          const unsigned char *body, size_t body_length, long timeout_seconds,
                          size_t maximum_length, const char *trusted, size_t trusted_length,
                          airenv_http_answer *answer);

void airenv_http_answer_release(airenv_http_answer *answer);

/* The CURLcode values the transport names in its messages. */
enum {
  airenv_http_unsupported_protocol = 1,
  airenv_http_malformed_url = 3,
  airenv_http_unresolved_host = 6,
  airenv_http_refused_connection = 7,
  airenv_http_write_stopped = 23,
  airenv_http_timed_out = 28,
  airenv_http_tls_handshake = 35,
  airenv_http_empty_answer = 52,
  airenv_http_send_failed = 55,
  airenv_http_receive_failed = 56,
  airenv_http_peer_unverified = 60,
  airenv_http_bad_ca_file = 77,
};

#endif
