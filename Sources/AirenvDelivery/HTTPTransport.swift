import AirenvModel
import CHTTP
import Foundation

/// One HTTP answer.
struct HTTPResponse: Sendable {
  var status: Int
  var body: [UInt8]

  var text: String { String(decoding: body, as: UTF8.self) }

  /// The body shortened to one line for a message: a server's words, never sent back whole.
  var detail: String {
    let line = text.replacingOccurrences(of: "\n", with: " ")
    let cut = line.count > 300 ? String(line.prefix(300)) + "…" : line
    return cut.isEmpty ? "no details" : cut
  }
}

/// Blocking HTTP requests through libcurl with a timeout on each; TLS certificates and host
/// names are verified (never turned off), redirects are answered as the 3xx they are (following
/// one could send the credentials to another host), and only http and https are spoken. Used
/// from the CLI and from the TUI's background refresh, never from a thread that handles keys.
///
/// libcurl rather than URLSession: on Linux URLSession's dispatch glue costs more CPU than the
/// requests themselves (a plan of 10,000 objects spent 2.5 s there), and that CPU is taken from
/// the Airflow server when both share a machine.
final class HTTPTransport: Sendable {
  let timeout: Int
  /// PEM certificates trusted instead of the system's store, when the target gives them.
  private let certificateAuthority: String?
  private let handles = HandlePool()

  /// The largest answer read: a page of 1,000 connections with large extras is a few MiB; a
  /// server that sends more is refused rather than held in memory.
  static let maximumAnswerBytes = 256 << 20

  init(timeout: Int, certificateAuthority: String? = nil) {
    self.timeout = timeout
    self.certificateAuthority = certificateAuthority
  }

  func send(
    _ method: String, _ url: URL, headers: [String: String] = [:], body: [UInt8]? = nil
  ) throws(DeliveryError) -> HTTPResponse {
    if let problem = Self.startProblem {
      throw .refused("cannot talk to \(Self.shown(url)): \(problem)")
    }
    // A line break in a header (a token pasted with its newline) would smuggle a header in.
    guard
      !headers.contains(where: {
        $0.key.contains(where: \.isNewline) || $0.value.contains(where: \.isNewline)
          || $0.value.contains("\0")
      })
    else {
      throw .refused("the target's credentials contain a line break; set them again with `airenv target set`")
    }
    // "Expect:" turns off curl's wait for a 100-continue before a large body.
    var lines = ["Accept: application/json", "Expect:"]
    if body != nil { lines.append("Content-Type: application/json") }
    lines += headers.map { "\($0.key): \($0.value)" }
    guard let handle = handles.take() else {
      throw .unreachable(url: Self.shown(url), reason: "libcurl could not make a connection handle")
    }
    defer { handles.give(back: handle) }
    var answer = airenv_http_answer()
    defer { airenv_http_answer_release(&answer) }
    let trusted = certificateAuthority.map { Array($0.utf8) }
    withCStrings(lines) { headers in
      let bytes = body ?? []
      bytes.withUnsafeBufferPointer { content in
        (trusted ?? []).withUnsafeBufferPointer { authorities in
          authorities.withMemoryRebound(to: CChar.self) { authorities in
            airenv_http_exchange(
              handle, method, url.absoluteString, headers, lines.count,
              body == nil ? nil : content.baseAddress,
              bytes.count, timeout, Self.maximumAnswerBytes, trusted == nil ? nil : authorities.baseAddress,
              authorities.count, &answer)
          }
        }
      }
    }
    if answer.failure != airenv_http_answered { throw failure(answer, url: url) }
    return HTTPResponse(
      status: answer.status,
      body: answer.length == 0 ? [] : Array(UnsafeBufferPointer(start: answer.body, count: answer.length)))
  }

  /// A URL as messages show it: scheme, host, port and path.
  static func shown(_ url: URL) -> String {
    var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
    components?.query = nil
    components?.user = nil
    components?.password = nil
    return components?.string ?? url.path
  }

  private func failure(_ answer: airenv_http_answer, url: URL) -> DeliveryError {
    let shown = Self.shown(url)
    let words = withUnsafeBytes(of: answer.reason) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    switch answer.failure {
    case airenv_http_unsafe_library:
      return .refused("cannot talk to \(shown): \(words); install libcurl 7.85 or later")
    case airenv_http_out_of_memory:
      return .unreachable(url: shown, reason: "out of memory while reading its answer")
    case airenv_http_too_large:
      return .unreachable(
        url: shown, reason: "its answer is larger than \(Limits.describe(bytes: Self.maximumAnswerBytes))")
    case airenv_http_timed_out: return .timedOut(url: shown, seconds: timeout)
    case airenv_http_authorities_unusable:
      return .untrusted(
        url: shown,
        reason: certificateAuthority == nil
          ? "this machine's CA store cannot be read (\(words)); install the ca-certificates package"
          : "the certificates given with --ca-file could not be used (\(words)); give a PEM file of CA certificates"
      )
    case airenv_http_certificate_rejected:
      return .untrusted(
        url: shown,
        reason: CertificateProblem(curl: words, givenAuthorities: certificateAuthority != nil).explanation)
    case airenv_http_refused_connection: return .unreachable(url: shown, reason: "connection refused")
    case airenv_http_unresolved_host:
      return .unreachable(url: shown, reason: "the host name does not resolve")
    case airenv_http_lost_connection:
      return .unreachable(url: shown, reason: "the connection was lost (\(words))")
    case airenv_http_malformed_url:
      return .refused("the URL \(shown) is not an http or https URL airenv can use (\(words))")
    case airenv_http_not_http:
      // The URL was checked when the target was set: this is an answer that is not HTTP.
      return .unreachable(url: shown, reason: "what answers there does not speak HTTP (\(words))")
    default: return .unreachable(url: shown, reason: words.isEmpty ? "network error" : words)
    }
  }

  /// Why libcurl could not be loaded and set up, once before any handle exists; nil when it was.
  private static let startProblem: String? = {
    // libcurl would write every TLS session's keys there, and they decrypt the credentials sent.
    if ProcessInfo.processInfo.environment["SSLKEYLOGFILE"] != nil {
      return "SSLKEYLOGFILE is set, and TLS session keys (which would decrypt the credentials) would be "
        + "written to it; unset it"
    }
    var reason = [CChar](repeating: 0, count: 256)
    guard airenv_http_start(&reason, reason.count) != 0 else { return nil }
    return String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }()
}

/// Why a server's certificate was not accepted, from libcurl's words, with what to do about it.
struct CertificateProblem {
  var explanation: String

  init(curl words: String, givenAuthorities: Bool) {
    let lowered = words.lowercased()
    let advice: String
    if givenAuthorities
      && (lowered.contains("cafile") || lowered.contains("ca cert") || lowered.contains("blob"))
    {
      advice = "the certificates given with --ca-file could not be used; give a PEM file of CA certificates"
    } else if lowered.contains("expired") {
      advice = "its TLS certificate has expired; the server needs a new certificate"
    } else if lowered.contains("not yet valid") {
      advice = "its TLS certificate is not valid yet; check this machine's clock and the server's certificate"
    } else if lowered.contains("subject name") || lowered.contains("does not match") {
      advice = "its TLS certificate is not issued for this host name; use the name the certificate names"
    } else if lowered.contains("self-signed") || lowered.contains("self signed") || lowered.contains("issuer")
      || lowered.contains("unable to get local")
    {
      advice =
        givenAuthorities
        ? "its TLS certificate is not signed by the certificates given with --ca-file; give its CA"
        : "its TLS certificate is not trusted here; install its CA in the system store or give it with "
          + "`airenv target set … --ca-file`"
    } else {
      advice = "the TLS handshake failed"
    }
    explanation = words.isEmpty ? advice : "\(advice) (\(words))"
  }
}

/// Idle libcurl handles, each holding an open connection, so that requests in a row and side by
/// side reuse connections instead of opening one each.
private final class HandlePool: @unchecked Sendable {
  private let lock = NSLock()
  private var idle: [UnsafeMutableRawPointer] = []

  func take() -> UnsafeMutableRawPointer? {
    lock.withLock { idle.popLast() } ?? airenv_http_handle_new()
  }

  func give(back handle: UnsafeMutableRawPointer) {
    lock.withLock { idle.append(handle) }
  }

  deinit {
    for handle in idle { airenv_http_handle_free(handle) }
  }
}

/// Calls `body` with the strings as a C array of C strings that lives for the call.
private func withCStrings<Result>(
  _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
  let copies = strings.map { strdup($0) }
  defer { copies.forEach { free($0) } }
  let pointers = copies.map { UnsafePointer($0) }
  return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
