import Testing
@testable import Torch

@Suite("Tensor")
struct TensorTests {
    @Test func roundTripsValuesAndShape() throws {
        let t = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(t.shape == [2, 3])
        #expect(t.count == 6)
        #expect(t.dtype == .float32)
        #expect(try t.floats() == [1, 2, 3, 4, 5, 6])
        #expect(try t.transposed(0, 1).floats() == [1, 4, 2, 5, 3, 6])
    }

    @Test func rejectsValuesThatDoNotFillTheShape() {
        #expect(throws: TorchError.self) { try Tensor([1, 2, 3], shape: [2, 2]) }
    }

    @Test func arithmeticBroadcastsLikePyTorch() throws {
        let a = try Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = try Tensor([10, 20], shape: [2])
        #expect(try (a + b).floats() == [11, 22, 13, 24])
        #expect(try (a * 2).floats() == [2, 4, 6, 8])
        #expect(try (1 - a).floats() == [0, -1, -2, -3])
        #expect(try (a.matmul(a)).floats() == [7, 10, 15, 22])
        #expect(try a.sum().item() == 10)
        #expect(try a.mean(dims: [1]).floats() == [1.5, 3.5])
        #expect(try a.argmax(dim: 1).int64s() == [1, 1])
        #expect(try Tensor.cat([a, a], dim: 0).shape == [4, 2])
        #expect(try Tensor.stack([a, a], dim: 0).shape == [2, 2, 2])
    }

    @Test func shapeMismatchIsAClearError() throws {
        let a = try Tensor.zeros([2, 3])
        let b = try Tensor.zeros([4, 5])
        do {
            _ = try a.matmul(b)
            Issue.record("matmul of mismatched shapes succeeded")
        } catch let error as TorchError {
            #expect(error.operation == "matmul")
            #expect(error.message.contains("2x3") || error.message.contains("shape"))
        }
    }

    @Test func int64AndConversions() throws {
        let labels = try Tensor(int64: [3, 1, 2], shape: [3])
        #expect(labels.dtype == .int64)
        #expect(try labels.to(.float32).floats() == [3, 1, 2])
        #expect(try labels.eq(2).to(.int64).int64s() == [0, 0, 1])
    }

    @Test func manualSeedMakesRandomValuesRepeatable() throws {
        Torch.manualSeed(7)
        let a = try Tensor.randn([5]).floats()
        Torch.manualSeed(7)
        let b = try Tensor.randn([5]).floats()
        #expect(a == b)
        #expect(try Tensor.randn([5]).floats() != a)
    }

    @Test func threadCountIsSettable() {
        let before = Torch.threads
        Torch.threads = 2
        #expect(Torch.threads == 2)
        Torch.threads = before
    }
}
