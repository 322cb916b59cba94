// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "airenv",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "airenv", targets: ["airenv"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
  ],
  targets: [
    .target(name: "AirenvText"),
    .target(name: "AirenvModel", dependencies: ["AirenvText"]),
    .target(name: "CFileSync"),
    .target(
      name: "AirenvStore",
      dependencies: ["AirenvModel", "CFileSync", .product(name: "Crypto", package: "swift-crypto")]
    ),
    .target(
      name: "AirenvFormats",
      dependencies: ["AirenvText", "AirenvModel", .product(name: "Yams", package: "Yams")]
    ),
    .target(name: "AirenvPresentation", dependencies: ["AirenvText", "AirenvModel"]),
    .target(name: "CHTTP"),
    .target(name: "AirenvDelivery", dependencies: ["AirenvModel", "AirenvFormats", "CHTTP"]),
    .target(
      name: "AirenvUI", dependencies: ["AirenvText", "AirenvModel", "AirenvFormats", "AirenvPresentation"]),
    .target(
      name: "AirenvApp",
      dependencies: [
        "AirenvText", "AirenvModel", "AirenvStore", "AirenvFormats", "AirenvUI", "AirenvDelivery",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
    .target(name: "CFatalSignal"),
    .target(name: "AirenvTerminal", dependencies: ["AirenvText", "AirenvUI", "CNcurses", "CFatalSignal"]),
    .executableTarget(
      name: "airenv",
      dependencies: [
        "AirenvText", "AirenvModel", "AirenvStore", "AirenvFormats", "AirenvApp", "AirenvPresentation",
        "AirenvDelivery",
        "AirenvUI",
        "AirenvTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .executableTarget(
      name: "airenv-benchmark",
      dependencies: ["AirenvModel", "AirenvStore", "AirenvFormats", "AirenvUI", "AirenvApp", "CFileSync"]
    ),
    .testTarget(name: "AirenvTextTests", dependencies: ["AirenvText"]),
    .testTarget(name: "AirenvModelTests", dependencies: ["AirenvModel"]),
    .testTarget(
      name: "AirenvPresentationTests", dependencies: ["AirenvPresentation", "AirenvModel", "AirenvText"]),
    .testTarget(name: "AirenvStoreTests", dependencies: ["AirenvStore", "AirenvModel"]),
    .testTarget(name: "AirenvFormatsTests", dependencies: ["AirenvFormats", "AirenvModel"]),
    .testTarget(
      name: "AirenvDeliveryTests", dependencies: ["AirenvDelivery", "AirenvFormats", "AirenvModel"]),
    .testTarget(
      name: "AirenvUITests", dependencies: ["AirenvUI", "AirenvModel", "AirenvText"], exclude: ["Goldens"]),
    .testTarget(
      name: "AirenvAppTests", dependencies: ["AirenvApp", "AirenvUI", "AirenvStore", "AirenvModel"]),
    .testTarget(
      name: "AirenvCLITests", dependencies: ["airenv", "AirenvModel", "AirenvStore", "AirenvUI"]),
  ],
  swiftLanguageModes: [.v6]
)
