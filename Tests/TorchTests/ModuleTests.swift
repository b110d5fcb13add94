import Testing
@testable import Torch

@Suite("Module")
struct ModuleTests {
    @Test func pathsAndParametersFollowPyTorchNames() throws {
        let model = Sequential(try Conv2d(1, 4, kernelSize: 3), try BatchNorm2d(4), ReLU(),
                               Sequential(try Linear(4, 2)))
        #expect(model.namedParameters().map(\.path) == ["0.weight", "0.bias", "1.weight", "1.bias", "3.0.weight", "3.0.bias"])
        #expect(model.stateDict().map(\.name).contains("1.running_var"))
        #expect(model.leafModules().map(\.path) == ["0", "1", "2", "3.0"])
        #expect(model.module(at: "3.0")?.typeName == "Linear")
        #expect(model.module(at: "3.0")?.path == "3.0")
        #expect(model.module(at: "9") == nil)
    }

    @Test func tiedWeightsCountOnce() throws {
        let embedding = try Embedding(10, 4)
        let decoder = try Linear(4, 10, bias: false)
        decoder.weight = embedding.weight
        let model = Sequential(embedding, decoder)
        #expect(model.parameters().count == 1)
    }

    @Test func trainAndEvalReachEveryDescendant() throws {
        let inner = try BatchNorm1d(3)
        let model = Sequential(Sequential(inner))
        model.eval()
        #expect(!inner.isTraining)
        model.train()
        #expect(inner.isTraining)
    }

    @Test func shapeMismatchNamesTheLayer() throws {
        let model = Sequential(try Conv2d(1, 4, kernelSize: 3), ReLU(), Sequential(try Conv2d(8, 2, kernelSize: 1)))
        do {
            _ = try model(try Tensor.zeros([1, 1, 8, 8]))
            Issue.record("forward with mismatched channels succeeded")
        } catch let error as LayerError {
            #expect(error.path == "2.0")
            #expect(error.type == "Conv2d")
            #expect("\(error)".contains("layer 2.0 (Conv2d)"))
        }
    }

    @Test func forwardHooksRunInOrderAndStopWhenRemoved() throws {
        let relu = ReLU()
        var seen: [String] = []
        let first = relu.registerForwardHook { _, _, _ in seen.append("first"); return nil }
        let second = relu.registerForwardHook { _, _, out in seen.append("second"); return try out * 2 }
        let y = try relu(try Tensor([-1, 1]))
        #expect(seen == ["first", "second"])
        #expect(try y.floats() == [0, 2])
        first.remove()
        second.remove()
        second.remove()
        _ = try relu(try Tensor([1]))
        #expect(seen.count == 2)
    }

    @Test func hookRemovingALaterHookStopsItInTheSameCall() throws {
        let relu = ReLU()
        var laterCalls = 0
        var later: ModuleHookHandle?
        _ = relu.registerForwardHook { _, _, _ in later?.remove(); return nil }
        later = relu.registerForwardHook { _, _, _ in laterCalls += 1; return nil }
        _ = try relu(try Tensor([1]))
        #expect(laterCalls == 0)
    }

    @Test func loadStateDictChecksNamesAndShapes() throws {
        let model = Sequential(try Linear(2, 2))
        let before = try (model[0] as! Linear).weight.floats()
        #expect(throws: StateDictError.shape(key: "0.weight", model: [2, 2], given: [3, 2])) {
            try model.loadStateDict(["0.bias": try Tensor.ones([2]), "0.weight": try Tensor.zeros([3, 2])], strict: false)
        }
        #expect(try (model[0] as! Linear).bias?.floats() != [1, 1], "a failed load copies nothing")
        #expect(throws: StateDictError.keys(StateDictKeys(missing: ["0.weight", "0.bias"], unexpected: ["0.wieght"]))) {
            try model.loadStateDict(["0.wieght": try Tensor.zeros([2, 2])])
        }
        #expect(try (model[0] as! Linear).weight.floats() == before)
        let left = try model.loadStateDict(["0.weight": try Tensor.ones([2, 2]), "1.weight": try Tensor.ones([1])], strict: false)
        #expect(left == StateDictKeys(missing: ["0.bias"], unexpected: ["1.weight"]))
        #expect(try (model[0] as! Linear).weight.floats() == [1, 1, 1, 1])
        try model.loadStateDict(["0.weight": try Tensor.ones([2, 2]), "0.bias": try Tensor.zeros([2])])
    }
}
