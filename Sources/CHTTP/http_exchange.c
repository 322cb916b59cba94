#include "http_exchange.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(((airenv_http_answer *)0)->reason) >= CURL_ERROR_SIZE, "error buffer");

/* libcurl is loaded on first use, not linked: with the thirty libraries it pulls in (TLS,
 * HTTP/2, LDAP, Kerberos …) it added about 8 ms to the start of every command, and only
 * delivery talks to a server. */
static struct {
  CURLcode (*global_init)(long);
  CURL *(*easy_init)(void);
  void (*easy_cleanup)(CURL *);
  void (*easy_reset)(CURL *);
  CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
  CURLcode (*easy_perform)(CURL *);
  CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
  const char *(*easy_strerror)(CURLcode);
  struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
  void (*slist_free_all)(struct curl_slist *);
  curl_version_info_data *(*version_info)(CURLversion);
} libcurl;

#ifdef __APPLE__
static const char *const libraries[] = {"libcurl.4.dylib", "libcurl.dylib"};
#else
static const char *const libraries[] = {"libcurl.so.4", "libcurl.so"};
#endif

int airenv_http_start(char *reason, size_t size) {
  void *library = NULL;
  for (size_t index = 0; library == NULL && index < sizeof libraries / sizeof *libraries; index++) {
    library = dlopen(libraries[index], RTLD_NOW | RTLD_LOCAL);
  }
  if (library == NULL) {
    snprintf(reason, size, "libcurl (%s) is not installed; install the libcurl4 package", libraries[0]);
    return -1;
  }
#define LOAD(field, symbol)                                                                          \
  if ((*(void **)&libcurl.field = dlsym(library, symbol)) == NULL) {                                    \
    snprintf(reason, size, "%s has no %s; install libcurl 7.85 or later", libraries[0], symbol);     \
    return -1;                                                                                       \
  }
  LOAD(global_init, "curl_global_init")
  LOAD(easy_init, "curl_easy_init")
  LOAD(easy_cleanup, "curl_easy_cleanup")
  LOAD(easy_reset, "curl_easy_reset")
  LOAD(easy_setopt, "curl_easy_setopt")
  LOAD(easy_perform, "curl_easy_perform")
  LOAD(easy_getinfo, "curl_easy_getinfo")
  LOAD(easy_strerror, "curl_easy_strerror")
  LOAD(slist_append, "curl_slist_append")
  LOAD(slist_free_all, "curl_slist_free_all")
  LOAD(version_info, "curl_version_info")
#undef LOAD
  /* 7.85 is the first with CURLOPT_PROTOCOLS_STR; 7.77 the first with CURLOPT_CAINFO_BLOB. An
   * older one would ignore them, and with them the protocol limit and a target's own CA. */
  curl_version_info_data *version = libcurl.version_info(CURLVERSION_NOW);
  if (version == NULL || version->version_num < 0x075500) {
    snprintf(reason, size, "libcurl %s is older than 7.85, the oldest airenv can use safely; upgrade it",
             version != NULL && version->version != NULL ? version->version : "(unknown)");
    return -1;
  }
  if (libcurl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    snprintf(reason, size, "libcurl did not start");
    return -1;
  }
  return 0;
}

void *airenv_http_handle_new(void) { return libcurl.easy_init(); }

void airenv_http_handle_free(void *handle) { libcurl.easy_cleanup(handle); }

typedef struct collected {
  airenv_http_answer *answer;
  size_t capacity;
  size_t maximum;
  airenv_http_failure stopped; /* why the answer was cut off, if it was */
} collected;

static airenv_http_failure classify(CURLcode code) {
  switch (code) {
  case CURLE_OK: return airenv_http_answered;
  case CURLE_OPERATION_TIMEDOUT: return airenv_http_timed_out;
  case CURLE_COULDNT_CONNECT: return airenv_http_refused_connection;
  case CURLE_COULDNT_RESOLVE_HOST: return airenv_http_unresolved_host;
  case CURLE_GOT_NOTHING:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR: return airenv_http_lost_connection;
  case CURLE_UNSUPPORTED_PROTOCOL: return airenv_http_not_http; /* e.g. "Received HTTP/0.9" */
  case CURLE_URL_MALFORMAT: return airenv_http_malformed_url;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CONNECT_ERROR: return airenv_http_certificate_rejected;
  case CURLE_SSL_CACERT_BADFILE: return airenv_http_authorities_unusable;
  case CURLE_OUT_OF_MEMORY: return airenv_http_out_of_memory;
  default: return airenv_http_other;
  }
}

static size_t collect(char *data, size_t size, size_t count, void *context) {
  collected *into = context;
  airenv_http_answer *answer = into->answer;
  size_t length = size * count;
  if (length > into->maximum - answer->length) {
    into->stopped = airenv_http_too_large;
    return 0; /* stops the transfer with CURLE_WRITE_ERROR */
  }
  if (answer->length + length > into->capacity) {
    size_t capacity = into->capacity ? into->capacity : 64 * 1024;
    while (capacity < answer->length + length) capacity *= 2;
    unsigned char *grown = realloc(answer->body, capacity);
    if (grown == NULL) {
      into->stopped = airenv_http_out_of_memory;
      return 0;
    }
    answer->body = grown;
    into->capacity = capacity;
  }
  memcpy(answer->body + answer->length, data, length);
  answer->length += length;
  return length;
}

void airenv_http_exchange(void *handle, const char *method, const char *url,
                          const char *const *headers, size_t header_count,
                          const unsigned char *body, size_t body_length, long timeout_seconds,
                          size_t maximum_length, const char *trusted, size_t trusted_length,
                          airenv_http_answer *answer) {
  memset(answer, 0, sizeof *answer);
  CURL *curl = handle;
  /* A reset keeps the handle's open connection, so the next request to the host reuses it. */
  libcurl.easy_reset(curl);
  struct curl_slist *list = NULL;
  for (size_t index = 0; index < header_count; index++) {
    struct curl_slist *longer = libcurl.slist_append(list, headers[index]);
    if (longer == NULL) {
      libcurl.slist_free_all(list);
      answer->failure = airenv_http_out_of_memory;
      strcpy(answer->reason, "out of memory");
      return;
    }
    list = longer;
  }
  collected into = {answer, 0, maximum_length, airenv_http_answered};
  /* The settings that keep the credentials safe must hold: a libcurl that refuses one is not
   * used for this request. */
  CURLcode refused = CURLE_OK;
#define REQUIRE(option, value)                                                                       \
  if (refused == CURLE_OK) refused = libcurl.easy_setopt(curl, option, value);
  REQUIRE(CURLOPT_URL, url)
  REQUIRE(CURLOPT_PROTOCOLS_STR, "http,https")
  REQUIRE(CURLOPT_FOLLOWLOCATION, 0L)
  REQUIRE(CURLOPT_SSL_VERIFYPEER, 1L)
  REQUIRE(CURLOPT_SSL_VERIFYHOST, 2L)
  struct curl_blob authorities = {(void *)trusted, trusted_length, CURL_BLOB_COPY};
  if (trusted != NULL) {
    REQUIRE(CURLOPT_CAINFO_BLOB, &authorities)
    REQUIRE(CURLOPT_CAPATH, NULL)
  }
  REQUIRE(CURLOPT_NOSIGNAL, 1L)
  REQUIRE(CURLOPT_TIMEOUT, timeout_seconds)
  REQUIRE(CURLOPT_HTTPHEADER, list)
  REQUIRE(CURLOPT_WRITEFUNCTION, collect)
  REQUIRE(CURLOPT_WRITEDATA, &into)
  if (strcmp(method, "GET") != 0) REQUIRE(CURLOPT_CUSTOMREQUEST, method)
  if (body != NULL) {
    REQUIRE(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length)
    REQUIRE(CURLOPT_POSTFIELDS, (const char *)body)
  }
#undef REQUIRE
  /* Compression only saves bytes; a libcurl without it still answers. */
  libcurl.easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  if (refused != CURLE_OK) {
    answer->failure = airenv_http_unsafe_library;
    snprintf(answer->reason, sizeof answer->reason, "libcurl refused a setting airenv needs: %s",
             libcurl.easy_strerror(refused));
    libcurl.easy_reset(curl);
    libcurl.slist_free_all(list);
    return;
  }
  libcurl.easy_setopt(curl, CURLOPT_ERRORBUFFER, answer->reason);
  CURLcode outcome = libcurl.easy_perform(curl);
  answer->failure = into.stopped != airenv_http_answered ? into.stopped : classify(outcome);
  if (outcome == CURLE_OK) {
    libcurl.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer->status);
  } else if (answer->reason[0] == '\0') {
    strncpy(answer->reason, libcurl.easy_strerror(outcome), sizeof answer->reason - 1);
  }
  /* Nothing of this request may outlive it in the handle (the error buffer, the header list, the
   * body and the answer all go now); the open connection stays for the next request. */
  libcurl.easy_reset(curl);
  libcurl.slist_free_all(list);
}

void airenv_http_answer_release(airenv_http_answer *answer) {
  free(answer->body);
  answer->body = NULL;
  answer->length = 0;
}
