import AirenvModel
import Foundation

/// Airflow's connection URI, `conn-type://login:password@host:port/schema?__extra__=…`,
/// read the way `Connection(uri=…)` reads it in Airflow 2.10 and 3.3.
public enum AirflowURI {
  public struct Problem: Error, Equatable, Sendable {
    public var reason: String
  }

  /// The URI Airflow's `Connection.get_uri()` would build, except that extras always go in
  /// `__extra__`: plain query parameters are typed differently by different Airflow versions.
  public static func encode(_ connection: ExportConnection) -> String {
    var uri = connection.connType.lowercased().replacingOccurrences(of: "_", with: "-") + "://"
    var host = connection.host ?? ""
    // A host with another protocol (https://…) puts the protocol right after the scheme; one
    // with the connection's own protocol is quoted whole.
    if let range = host.range(of: "://"), host[..<range.lowerBound] != connection.connType {
      uri += host[..<range.lowerBound] + "://"
      host = String(host[range.upperBound...])
    }
    var authority = ""
    if let login = connection.login { authority += PercentEncoding.quote(login) }
    if let password = connection.password { authority += ":" + PercentEncoding.quote(password) }
    if !authority.isEmpty { authority += "@" }
    uri += authority
    var hostBlock = PercentEncoding.quote(host)
    if let port = connection.port {
      hostBlock += (hostBlock.isEmpty && authority.isEmpty ? "@:" : ":") + String(port)
    }
    uri += hostBlock
    if let schema = connection.schema, !schema.isEmpty { uri += "/" + PercentEncoding.quote(schema) }
    if !connection.extra.isEmpty {
      let schemaPresent = !(connection.schema ?? "").isEmpty
      uri +=
        (schemaPresent ? "?" : "/?") + "__extra__="
        + PercentEncoding.quote(JSONValue.object(connection.extra).compactText, plusForSpace: true)
    }
    return uri
  }

  /// The connection fields a URI names, ready for a create or update command.
  public static func decode(_ uri: String) throws(Problem) -> ConnectionChanges {
    let separators = uri.components(separatedBy: "://").count - 1
    guard separators >= 1 else { throw Problem(reason: "it has no \"scheme://\" (e.g. postgres://host/db)") }
    guard separators <= 2 else {
      throw Problem(reason: "it holds \"://\" more than twice; percent-encode it")
    }
    let schemeEnd = uri.range(of: "://")!
    let scheme = String(uri[..<schemeEnd.lowerBound]).lowercased()
    guard let first = scheme.unicodeScalars.first, first.properties.isAlphabetic,
      scheme.unicodeScalars.allSatisfy({
        $0.properties.isAlphabetic || "0123456789+-.".unicodeScalars.contains($0)
      })
    else {
      throw Problem(
        reason: "\"\(scheme)\" is not a URI scheme; write conn_type with \"-\" for \"_\" "
          + "(google-cloud-platform://)")
    }
    var rest = String(uri[schemeEnd.upperBound...])
    // "http://https://host" keeps the inner protocol as part of the host.
    var hostProtocol = ""
    if separators == 2, let inner = rest.range(of: "://") {
      let prefix = String(rest[..<inner.lowerBound])
      if prefix.contains("@") || prefix.contains(":") || prefix.contains("/") {
        throw Problem(reason: "a host with a protocol must come right after the scheme")
      }
      hostProtocol = prefix + "://"
      rest = String(rest[inner.upperBound...])
    }
    if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
    var query = ""
    if let mark = rest.firstIndex(of: "?") {
      query = String(rest[rest.index(after: mark)...])
      rest = String(rest[..<mark])
    }
    var path = ""
    if let slash = rest.firstIndex(of: "/") {
      path = String(rest[rest.index(after: slash)...])
      rest = String(rest[..<slash])
    }
    var changes = ConnectionChanges()
    changes.fields[.connType] = scheme.replacingOccurrences(of: "-", with: "_")
    var hostPort = rest
    if let at = rest.lastIndex(of: "@") {
      let userInfo = String(rest[..<at])
      hostPort = String(rest[rest.index(after: at)...])
      if let colon = userInfo.firstIndex(of: ":") {
        changes.fields[.login] = try unquote(String(userInfo[..<colon]), "login")
        changes.fields[.password] = try unquote(String(userInfo[userInfo.index(after: colon)...]), "password")
      } else {
        changes.fields[.login] = try unquote(userInfo, "login")
      }
    }
    let (host, port) = try splitHostPort(hostPort)
    let decodedHost = try unquote(host, "host")
    changes.fields[.host] =
      hostProtocol + (decodedHost.contains("/") ? decodedHost : decodedHost.lowercased())
    if let port { changes.fields[.port] = port }
    changes.fields[.schema] = try unquote(path, "schema")
    if !query.isEmpty { changes.extraSet = try extra(fromQuery: query) }
    return changes
  }

  private static func splitHostPort(_ text: String) throws(Problem) -> (String, String?) {
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { throw Problem(reason: "an IPv6 host misses \"]\"") }
      let host = String(text[text.index(after: text.startIndex)..<close])
      let after = text[text.index(after: close)...]
      if after.isEmpty { return (host, nil) }
      guard after.hasPrefix(":") else { throw Problem(reason: "unexpected text after the IPv6 host") }
      return (host, try port(String(after.dropFirst())))
    }
    guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
    return (String(text[..<colon]), try port(String(text[text.index(after: colon)...])))
  }

  private static func port(_ text: String) throws(Problem) -> String? {
    if text.isEmpty { return nil }
    guard let value = Int(text), (0...65535).contains(value) else {
      // Never echoed, digits included: what stands there may be a password cut short by an
      // unencoded "#" (`user:98765432#1@host` puts the password where the port belongs).
      throw Problem(
        reason: "what stands where the port belongs is not a number from 1 to 65535 (a \"/\", \"#\", \"?\" "
          + "or \"@\" in the login or password must be percent-encoded)")
    }
    return value == 0 ? nil : String(value)
  }

  private static func unquote(_ text: String, _ field: String) throws(Problem) -> String {
    guard let decoded = text.removingPercentEncoding else {
      throw Problem(reason: "the \(field) has an invalid percent-encoding")
    }
    return decoded
  }

  /// `__extra__` holds the whole extra as JSON; otherwise each parameter is a string key.
  private static func extra(fromQuery query: String) throws(Problem) -> [String: JSONValue] {
    var parameters: [(String, String)] = []
    for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = try unquote(parts[0].replacingOccurrences(of: "+", with: " "), "query")
      let value = try unquote(
        parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : "", "query")
      parameters.append((key, value))
    }
    if let raw = parameters.last(where: { $0.0 == "__extra__" })?.1 {
      guard let parsed = try? JSONValue.parse(raw), let object = parsed.objectValue else {
        throw Problem(reason: "__extra__ is not a JSON object")
      }
      return object
    }
    var extra: [String: JSONValue] = [:]
    for (key, value) in parameters { extra[key] = .string(value) }
    return extra
  }
}
