import Foundation
import Testing
@testable import HookKit

/// Specs that Foundation's parser or the old hook parsing let through, silently changed or
/// multiplied (issue 15): each is refused with its JSON path.
@Suite("Strict run specs")
struct StrictSpecTests {
    /// A valid synthetic spec with `train` and `hooks` spliced in as written.
    static func spec(name: String = #""strict""#, train: String = #"{"epochs": 1}"#, hooks: String = #"[{"modules": ["0.0"]}]"#) -> String {
        #"{"name": \#(name), "model": {"arch": "simple_cnn", "channels": [1, 4, 4]}, "#
            + #""data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 64, "valid_count": 16}, "#
            + #""train": \#(train), "hooks": \#(hooks)}"#
    }

    static let refused: [(String, String)] = [
        (spec(train: #"{"epochs": 3, "epochs": 1}"#), #"$.train.epochs: duplicate key "epochs""#),
        (spec(train: #"{"lr": 1e400}"#), "$.train.lr: number out of range"),
        (spec(name: #""a\u0000b""#), "$.name: NUL characters are not allowed"),
        (spec(hooks: #"[{"modules": ["0.0"], "stats": ["mean", "std", "mean"]}]"#), #"$.hooks[0].stats[2]: duplicate statistic "mean""#),
        (spec(hooks: #"[{"modules": ["0.0", "0.0"]}]"#), #"$.hooks[0].modules[1]: module "0.0" (forward) already records mean for $.hooks[0].modules[0]"#),
        (spec(hooks: #"[{"modules": ["0.0"]}, {"modules": ["1.0", "0.0"], "stats": ["mean"]}]"#),
         #"$.hooks[1].modules[1]: module "0.0" (forward) already records mean for $.hooks[0].modules[0]"#),
    ]

    @Test(arguments: refused)
    func refusedWithThePath(_ json: String, _ expected: String) {
        #expect(throws: JSONParserTests.error(expected)) { try RunSpec.parse(Data(json.utf8)) }
    }

    @Test func nanAndDeepNestingNameTheirPlace() throws {
        let nan = Self.spec(train: #"{"lr": NaN}"#)
        let offset = try #require(nan.range(of: "NaN")).lowerBound.utf16Offset(in: nan)
        #expect(throws: JSONParserTests.error("$: malformed JSON at byte \(offset) (in $.train.lr): NaN is not allowed in JSON")) {
            try RunSpec.parse(Data(nan.utf8))
        }
        let deep = Self.spec(train: String(repeating: "[", count: 70) + String(repeating: "]", count: 70))
        #expect(throws: JSONParserTests.error("$.train" + String(repeating: "[0]", count: 63) + ": nesting deeper than 64 levels")) {
            try RunSpec.parse(Data(deep.utf8))
        }
    }

    @Test func aModuleMayBeHookedAgainInTheOtherKindOrForOtherStatistics() throws {
        let kinds = try RunSpec.parse(Data(Self.spec(hooks: #"[{"modules": ["0.0"]}, {"modules": ["0.0"], "kind": "backward"}]"#).utf8))
        #expect(kinds.hooks.map(\.kind) == [.forward, .backward])
        let stats = #"[{"modules": ["0.0"], "stats": ["mean"]}, {"modules": ["0.0"], "stats": ["histogram", "std"]}]"#
        #expect(try RunSpec.parse(Data(Self.spec(hooks: stats).utf8)).hooks.map(\.stats) == [[.scalar(.mean)], [.histogram, .scalar(.std)]])
        #expect(throws: SpecError(path: "$.hooks[1].modules[0]", message: #"module "0.0" (forward) already records std for $.hooks[0].modules[0]"#)) {
            try RunSpec.parse(Data(Self.spec(hooks: #"[{"modules": ["0.0"], "stats": ["std"]}, {"modules": ["0.0"], "stats": ["histogram", "std"]}]"#).utf8))
        }
    }

    @Test func modulesResolvedFromTheModelAreCheckedToo() throws {
        // "params" covers 0.0, so the explicit 0.0 repeats it; only the model can tell.
        let overlap = try RunSpec.parse(Data(Self.spec(hooks: #"[{"modules": "params"}, {"modules": ["0.0"]}]"#).utf8))
        #expect(throws: SpecError(path: "$.hooks[1].modules[0]", message: #"module "0.0" (forward) already records mean for $.hooks[0].modules"#)) {
            try TrainingJob(spec: overlap)
        }
        let params = try RunSpec.parse(Data(Self.spec(hooks: #"[{"modules": "params"}]"#).utf8))
        #expect(throws: SpecError(path: "$.hooks[0].modules", message: "more than 1 hooks in one run (training.max_hooks)")) {
            try TrainingJob(spec: params, maxHooks: 1)
        }
        #expect(try TrainingJob(spec: params, maxHooks: 2).stats.entries.map(\.path) == ["0.0", "1.0"])
    }

    @Test func explicitPathsAreCountedBeforeAnyDataLoads() throws {
        let spec = try RunSpec.parse(Data(Self.spec(hooks: #"[{"modules": ["0.0", "0.1"]}, {"modules": ["1.0"]}]"#).utf8))
        #expect(throws: SpecError(path: "$.hooks[1].modules[0]", message: "more than 2 hooks in one run (training.max_hooks)")) {
            try spec.checkHooks(limit: 2)
        }
        try spec.checkHooks(limit: 3)
    }
}
