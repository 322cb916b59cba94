import Foundation

/// Who created and last changed something, when, and how many times it changed.
/// The revision lets an editor prove that what it read is still what is stored.
public struct Stamp: Codable, Equatable, Sendable {
  public var revision: Int
  public var createdAt: Date
  public var createdBy: String
  public var updatedAt: Date
  public var updatedBy: String
  /// The saved change (history entry, by file name) that wrote this revision: what a reader
  /// verifies the object against. Nil until saved, and in files of an earlier airenv.
  public var entry: String?

  public init(by actor: Actor) {
    self.init(
      revision: 1, createdAt: actor.time, createdBy: actor.user, updatedAt: actor.time, updatedBy: actor.user)
  }

  public init(
    revision: Int, createdAt: Date, createdBy: String, updatedAt: Date, updatedBy: String,
    entry: String? = nil
  ) {
    self.entry = entry
    self.revision = revision
    self.createdAt = createdAt
    self.createdBy = createdBy
    self.updatedAt = updatedAt
    self.updatedBy = updatedBy
  }

  /// A new revision, made by `actor` now.
  public mutating func touch(by actor: Actor) {
    revision += 1
    updatedAt = actor.time
    updatedBy = actor.user
  }
}

/// The acting user and the moment a change is made; the model never reads a clock itself.
public struct Actor: Sendable {
  public var user: String
  public var time: Date

  public init(user: String, time: Date) {
    self.user = user
    // Stored timestamps carry whole seconds, so an object read back compares equal.
    self.time = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
  }
}
