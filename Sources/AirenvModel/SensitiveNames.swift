/// Airflow 3's rule for names whose values are secret: the lower-cased name, with runs of
/// non-word characters folded to `_`, contains one of these words (DEFAULT_SENSITIVE_FIELDS).
public enum SensitiveNames {
  public static let words: [String] = [
    "access_key", "access_token", "api_key", "apikey", "auth_header", "authorization", "bearer",
    "connection_string", "dsn", "passphrase", "passwd", "password", "private_key", "proxy",
    "proxy_password", "proxies", "secret", "service_account", "service_key", "token",
    "keyfile_dict", "webhook_url",
  ]

  public static func isSensitive(_ name: String) -> Bool {
    let normalized = normalize(name)
    return words.contains { normalized.contains($0) }
  }

  static func normalize(_ name: String) -> String {
    var result = ""
    var previousWasSeparator = false
    for scalar in name.lowercased().unicodeScalars {
      let isWord = scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_"
      if isWord {
        result.unicodeScalars.append(scalar)
        previousWasSeparator = false
      } else if !previousWasSeparator {
        result.append("_")
        previousWasSeparator = true
      }
    }
    return result
  }
}
