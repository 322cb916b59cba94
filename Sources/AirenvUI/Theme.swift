import Foundation

/// A colour as a theme writes it: an ANSI name, a 256-colour index or `#rrggbb`; the
/// terminal degrades it to the depth it has.
public enum ThemeColor: Equatable, Sendable {
  case terminalDefault
  case index(Int)
  case rgb(Int, Int, Int)

  static let names = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white", "bright-black", "bright-red",
    "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
  ]

  public init?(parsing text: String) {
    let lowered = text.lowercased()
    if lowered == "default" {
      self = .terminalDefault
    } else if let index = Self.names.firstIndex(of: lowered) {
      self = .index(index)
    } else if let number = Int(text), (0...255).contains(number) {
      self = .index(number)
    } else if text.hasPrefix("#"), text.count == 7, let value = Int(text.dropFirst(), radix: 16) {
      self = .rgb((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)
    } else {
      return nil
    }
  }
}

/// How one role looks.
public struct ThemeStyle: Equatable, Sendable {
  public var foreground: ThemeColor = .terminalDefault
  public var background: ThemeColor = .terminalDefault
  public var bold = false
  public var reverse = false
  public var underline = false
}

/// Semantic roles mapped to colours and attributes (SPEC §5.3).
public struct Theme: Equatable, Sendable {
  public var name: String
  public var styles: [StyleRole: ThemeStyle]

  public func style(_ role: StyleRole) -> ThemeStyle { styles[role] ?? ThemeStyle() }

  /// Why a theme file was refused, with the file.
  public struct Problem: Error, Equatable, Sendable {
    public var file: String
    public var reason: String
    public var message: String { "theme \(file): \(reason); using the default theme" }
  }

  /// Reads a theme file: `{"name": …, "roles": {"selection": {"fg": "black", "bg": "#5fafff", "bold": true}}}`.
  /// Roles it does not name keep the default theme's look.
  public static func parse(_ data: Data, file: String) throws(Problem) -> Theme {
    guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw Problem(file: file, reason: "not a JSON object")
    }
    guard let roles = root["roles"] as? [String: Any] else {
      throw Problem(file: file, reason: "no \"roles\" object")
    }
    var theme = Theme.builtIn
    theme.name = root["name"] as? String ?? file
    for (name, value) in roles {
      guard let role = StyleRole(rawValue: name) else {
        throw Problem(
          file: file,
          reason:
            "unknown role \"\(name)\" (roles: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
      guard let entry = value as? [String: Any] else {
        throw Problem(file: file, reason: "role \(name) is not an object")
      }
      var style = ThemeStyle()
      for (key, raw) in entry {
        switch key {
        case "fg", "bg":
          guard let text = raw as? String ?? (raw as? Int).map(String.init),
            let color = ThemeColor(parsing: text)
          else {
            throw Problem(
              file: file, reason: "role \(name): \(key) \"\(raw)\" is not a colour (a name, 0–255 or #rrggbb)"
            )
          }
          if key == "fg" { style.foreground = color } else { style.background = color }
        case "bold", "reverse", "underline":
          guard let flag = raw as? Bool else {
            throw Problem(file: file, reason: "role \(name): \(key) must be true or false")
          }
          if key == "bold" {
            style.bold = flag
          } else if key == "reverse" {
            style.reverse = flag
          } else {
            style.underline = flag
          }
        default:
          throw Problem(file: file, reason: "role \(name): unknown attribute \"\(key)\"")
        }
      }
      theme.styles[role] = style
    }
    return theme
  }

  /// The theme compiled in, so the app works when no theme file is found.
  public static let builtIn: Theme = {
    func style(
      _ fg: Int?, _ bg: Int? = nil, bold: Bool = false, reverse: Bool = false, underline: Bool = false
    )
      -> ThemeStyle
    {
      ThemeStyle(
        foreground: fg.map { .index($0) } ?? .terminalDefault,
        background: bg.map { .index($0) } ?? .terminalDefault,
        bold: bold, reverse: reverse, underline: underline)
    }
    let styles: [StyleRole: ThemeStyle] = [
      .text: style(nil), .muted: style(8), .accent: style(6, bold: true), .border: style(8),
      .selection: style(0, 6, reverse: false), .header: style(15, 4, bold: true), .tab: style(7),
      .tabActive: style(0, 7, bold: true), .footer: style(7, 0), .key: style(11, 0, bold: true),
      .title: style(6, bold: true),
      .linked: style(4, bold: true), .linkedAll: style(6), .overridden: style(5, bold: true),
      .excluded: style(1, bold: true),
      .inertExclusion: style(8), .scoped: style(3), .notLinked: style(8), .error: style(9, bold: true),
      .warning: style(11), .success: style(2), .secret: style(3), .input: style(nil, 8),
      .inputFocused: style(0, 7),
    ]
    return Theme(name: "default", styles: styles)
  }()
}
