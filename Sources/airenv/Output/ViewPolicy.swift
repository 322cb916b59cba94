import AirenvModel

/// What the acting user may see: secret values (revealed by an Operator or Owner) and field
/// values at all (a Member sees names, types and links only).
struct ViewPolicy {
  var reveal: Bool
  var values: Bool

  static let everything = ViewPolicy(reveal: true, values: true)
}
