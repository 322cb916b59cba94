#ifndef AIRENV_HTTP_EXCHANGE_H
#define AIRENV_HTTP_EXCHANGE_H

#include <stddef.h>

/* One HTTP request and its answer through libcurl, for a transport that keeps one connection
 * per handle alive between requests. Certificates and host names are verified, redirects are
 * never followed, only http and https are spoken, and no signal is used for timeouts (the
 * caller's threads run requests side by side). */

/* Why an exchange has no answer, as the transport's messages tell them apart. */
typedef enum airenv_http_failure {
  airenv_http_answered = 0,
  airenv_http_timed_out,
  airenv_http_refused_connection,
  airenv_http_unresolved_host,
  airenv_http_lost_connection,
  airenv_http_not_http,            /* what answered is not HTTP */
  airenv_http_malformed_url,
  airenv_http_certificate_rejected, /* the server's certificate did not verify */
  airenv_http_authorities_unusable, /* the CA store (or the certificates given) cannot be read */
  airenv_http_too_large,           /* the answer grew past the limit given */
  airenv_http_out_of_memory,
  airenv_http_unsafe_library,      /* libcurl refused a setting the request needs to be safe */
  airenv_http_other,
} airenv_http_failure;

typedef struct airenv_http_answer {
  long status;                 /* the HTTP status, when answered */
  unsigned char *body;         /* malloc'd; released by airenv_http_answer_release */
  size_t length;
  airenv_http_failure failure;
  char reason[256];            /* libcurl's words for the failure */
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


#endif
