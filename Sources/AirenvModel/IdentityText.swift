import Foundation

/// The public part of a person's identity as text: `airenv-id1:` then the base64 of the
/// Ed25519 key their changes are signed with, `:`, and the base64 of the Curve25519 key the
/// Workspace's data key is wrapped for. It is what `airenv identity show` prints and
/// `workspace member set --public-key` records.
public enum IdentityText {
  public static let prefix = "airenv-id1:"

  /// The two public keys' bytes, nil unless the text is exactly this form.
  public static func keys(_ text: String) -> (signing: Data, agreement: Data)? {
    guard text.hasPrefix(prefix), text.utf8.count <= 200 else { return nil }
    let parts = text.dropFirst(prefix.count).split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let signing = Data(base64Encoded: String(parts[0])),
      let agreement = Data(base64Encoded: String(parts[1])), signing.count == 32, agreement.count == 32
    else { return nil }
    return (signing, agreement)
  }

  /// Why `text` is not a public identity, or nil when it is one.
  public static func problem(_ text: String) -> String? {
    keys(text) == nil
      ? "not a public identity (airenv-id1:<signing key>:<agreement key>, as `airenv identity show` prints it)"
      : nil
  }

  public static func make(signing: Data, agreement: Data) -> String {
    prefix + signing.base64EncodedString() + ":" + agreement.base64EncodedString()
  }
}
