/// What a cell means, not how it looks: a theme maps each role to colours and attributes.
public enum StyleRole: String, CaseIterable, Codable, Sendable {
  case text
  case muted
  case accent
  case border
  case selection
  case header
  case tab
  case tabActive = "tab-active"
  case footer
  case key
  case title
  case linked
  case linkedAll = "linked-all"
  case overridden
  case excluded
  case inertExclusion = "inert-exclusion"
  case scoped
  case notLinked = "not-linked"
  case error
  case warning
  case success
  case secret
  case input
  case inputFocused = "input-focused"
}
